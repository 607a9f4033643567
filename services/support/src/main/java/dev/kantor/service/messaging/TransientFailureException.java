package dev.kantor.service.messaging;

/** A failure that may pass (registry, database or broker unreachable): retried with back-off, never acked as done. */
public class TransientFailureException extends RuntimeException {

    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
