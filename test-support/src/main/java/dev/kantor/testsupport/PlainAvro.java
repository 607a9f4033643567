package dev.kantor.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.kantor.events.EventDecoder;
import dev.kantor.events.EventSerializer;

/**
 * Events as plain Avro binary, without a registry: for testing a Kafka Streams topology alone (its test driver), whose
 * logic does not depend on the wire format the registry adds.
 */
public final class PlainAvro {

    private PlainAvro() {
    }

    /** As {@code dev.kantor.service.streams.EventFormats} wants it: plain Avro for every event type. */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        return Serdes.serdeFrom((topic, event) -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                EventSerializer.writeAvro(event, out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        }, (topic, bytes) -> {
            try {
                org.apache.avro.Schema schema = (org.apache.avro.Schema) type.getMethod("getClassSchema").invoke(null);
                return new SpecificDatumReader<T>(schema, schema, EventDecoder.modelOf(type)).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            } catch (ReflectiveOperationException | IOException e) {
                throw new SerializationException(e);
            }
        });
    }
}
