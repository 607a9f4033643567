package dev.kantor.transaction.persistence;

/** What must happen after the database transaction commits, for one request. */
public sealed interface Step {

    /** Publish this stored outcome; {@code redelivered} when it was stored by an earlier delivery. */
    record Publish(StoredOutcome outcome, boolean redelivered) implements Step {
    }

    /** Send the request to the DLT (a functional duplicate). */
    record DeadLetter(Object source, String reason) implements Step {
    }
}
