package dev.kantor.service.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import dev.kantor.events.EventDecoder;
import dev.kantor.events.EventSerializer;

/**
 * The platform's event format for Kafka Streams: the Confluent wire format with registry ids, written by the same
 * EventSerializer every service uses (it never registers: the gate does) and read by EventDecoder.
 */
public final class EventSerde {

    private EventSerde() {
    }

    public static <T extends SpecificRecord> Serde<T> of(Class<T> type, String registryApiV2) {
        EventSerializer writer = new EventSerializer(registryApiV2);
        EventDecoder reader = new EventDecoder(registryApiV2);
        Serializer<T> serializer = (topic, event) -> writer.serialize(topic, event);
        Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.decode(bytes, type);
            } catch (EventDecoder.UndecodableEventException e) {
                throw new SerializationException("undecodable " + type.getSimpleName() + " on " + topic + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
