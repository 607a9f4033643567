package dev.kantor.service.messaging;

import io.smallrye.mutiny.Uni;

/**
 * Thrown by a consumer's database transaction that cannot decide yet because another input lags (the transaction
 * service's accounts view, behind a request). The pipeline rolls back, waits for {@code until}, and tries again at
 * once, with {@link DecodedBatch#waited()} true so the consumer decides with what it then has.
 */
public class NotYetException extends RuntimeException {

    private final transient Uni<?> until;

    public NotYetException(String message, Uni<?> until) {
        super(message, null, false, false);
        this.until = until;
    }

    public Uni<?> until() {
        return until;
    }
}
