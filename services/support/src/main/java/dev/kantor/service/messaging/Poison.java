package dev.kantor.service.messaging;

/**
 * A consumed record that goes to the dead letter topic, and why: undecodable, a contract violated, or refused by the
 * service's rules (a functional duplicate, a conflict). {@code cause} is the failure behind it, if any.
 */
public record Poison(SourceRecord record, String reason, Throwable cause) {

    /** A record that could not be decoded: the reason is the failure's message, the cause what lies under it. */
    public static Poison of(SourceRecord record, PoisonRecordException failure) {
        return new Poison(record, failure.getMessage(), failure.getCause() == null ? failure : failure.getCause());
    }
}
