package dev.kantor.service.messaging;

/** A consumed record that cannot be processed, and why: what goes to the dead letter topic. */
public record Poison(SourceRecord record, PoisonRecordException failure) {

    /** What the dlt-exception header names: the underlying failure if there is one. */
    public Throwable cause() {
        return failure.getCause() == null ? failure : failure.getCause();
    }
}
