package dev.kantor.service.messaging;

import java.util.List;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * What the pipeline hands a consumer's database transaction: every record polled (for offsets), the ones that
 * decoded with their events, in order, and whether an earlier attempt was told to wait ({@link NotYetException}).
 */
public record DecodedBatch<T>(List<SourceRecord> records, List<Decoded<T>> events, long polledAtNanos, boolean waited) {

    /** A record and the event it decoded to. */
    public record Decoded<T>(SourceRecord record, T event) {
    }

    /** Runs {@code step} for each event, one after the other: a reactive database session takes one operation at a time. */
    public Uni<Void> inOrder(Function<Decoded<T>, Uni<?>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decoded<T> decoded : events) {
            chain = chain.chain(() -> step.apply(decoded)).replaceWithVoid();
        }
        return chain;
    }

    /** The same batch, after an attempt waited for what it needed. */
    DecodedBatch<T> afterWait() {
        return new DecodedBatch<>(records, events, polledAtNanos, true);
    }
}
