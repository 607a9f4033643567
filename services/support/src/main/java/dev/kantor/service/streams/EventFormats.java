package dev.kantor.service.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * How a Kafka Streams topology writes and reads the platform's events: in the registry's wire format when it runs
 * ({@link #registry}), as plain Avro in a unit test of the topology alone. Topologies take one, so that their logic
 * is tested without a registry and runs with one.
 */
public interface EventFormats {

    <T extends SpecificRecord> Serde<T> of(Class<T> type);

    /** The registry's wire format, ids looked up (never registered) in the registry at {@code registryApiV2}. */
    static EventFormats registry(String registryApiV2) {
        return new EventFormats() {
            @Override
            public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                return EventSerde.of(type, registryApiV2);
            }
        };
    }
}
