package dev.kantor.events;

import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** Every event type of the contract, so tools (schema registration, tests) need not list them again. */
public final class EventCatalog {

    /** The top-level events; their nested types (Money, enums) travel inside them. */
    public static final List<Class<? extends SpecificRecordBase>> EVENTS = List.of(
            AccountOpeningRequested.class,
            AccountOpened.class,
            TransactionRequested.class,
            TransactionApproved.class,
            TransactionRejected.class,
            RateQuoted.class,
            WalletUpdated.class);

    private EventCatalog() {
    }

    /** The schema of an event by its full name, e.g. {@code dev.kantor.events.RateQuoted}. */
    public static Optional<Schema> schema(String fullName) {
        return EVENTS.stream()
                .map(EventCatalog::schemaOf)
                .filter(schema -> schema.getFullName().equals(fullName))
                .findFirst();
    }

    /** The schema a generated class was compiled from. */
    public static Schema schemaOf(Class<? extends SpecificRecordBase> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated Avro class: " + type, e);
        }
    }
}
