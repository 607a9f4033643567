package dev.kantor.events;

/** The Kafka record headers every Kantor event carries, named once so producers and consumers agree. */
public final class EventHeaders {

    /** The event's technical identity (a UUID), equal to the payload's {@code eventId}. */
    public static final String EVENT_ID = "event-id";

    /** The simple name of the event's schema, e.g. {@code TransactionApproved}. */
    public static final String EVENT_TYPE = "event-type";

    private EventHeaders() {
    }
}
