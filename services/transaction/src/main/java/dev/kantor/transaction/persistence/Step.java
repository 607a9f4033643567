package dev.kantor.transaction.persistence;

/**
 * What must happen after the database transaction commits, for one request. {@code S} is where the request came
 * from (the consumer's record), handed back untouched so that a dead letter carries its original record.
 */
public sealed interface Step<S> {

    /**
     * Publish this stored outcome; {@code redelivered} when it was stored by an earlier delivery. {@code source} is
     * the request that led to it, whose trace the outcome continues.
     */
    record Publish<S>(StoredOutcome outcome, boolean redelivered, S source) implements Step<S> {
    }

    /** Send the request to the DLT: a functional duplicate of a transaction already decided. */
    record DeadLetter<S>(S source, String reason) implements Step<S> {
    }
}
