package dev.kantor.service.messaging;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * What a consumer gives the {@link ConsumerPipeline}: how to read one record, what a batch does in the database, and
 * what it sends once that is committed. Everything else (ordering, retries, dead letters, acks, metrics) is the
 * pipeline's, so that every consumer handles failures the same way.
 *
 * @param <T> the event a record decodes to
 * @param <R> what the database transaction yields for publishing
 */
public interface RecordHandler<T, R> {

    /**
     * One record as its event, on a worker thread (the registry client may block). A record no retry can fix throws
     * {@link PoisonRecordException} (it is dead-lettered); an unreachable registry throws
     * {@link TransientFailureException} (it is retried).
     */
    T decode(SourceRecord record) throws PoisonRecordException;

    /**
     * The batch's effects, inside one database transaction the pipeline opens; retried whole, with back-off, for as
     * long as it fails. Must be idempotent per event id: a redelivered batch comes here again.
     */
    Uni<R> apply(DecodedBatch<T> batch);

    /** What the committed effects announce; completes when the broker has all of it. Retried whole while it fails. */
    default Uni<Void> publish(R result) {
        return Uni.createFrom().voidItem();
    }

    /** Records {@link #apply} refused by the service's rules, dead-lettered with the poison. */
    default List<Poison> refused(R result) {
        return List.of();
    }
}
