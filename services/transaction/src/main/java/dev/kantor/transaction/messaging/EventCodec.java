package dev.kantor.transaction.messaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.kantor.events.EventDecoder;
import dev.kantor.events.EventSerializer;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordDecoder;
import dev.kantor.service.messaging.SourceRecord;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decodes consumed bytes through the schema registry, telling poison (the bytes or their schema are wrong) from a
 * transient failure (the registry is unreachable); and encodes stored outcomes in plain Avro binary, so that a
 * redelivery re-publishes exactly the stored event.
 */
@ApplicationScoped
public class EventCodec {

    private final RecordDecoder decoder;

    EventCodec(@ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url") String registry) {
        this.decoder = new RecordDecoder(registry);
    }

    /** The record's value as the expected event type. */
    public <T extends SpecificRecord> T decode(SourceRecord record, Class<T> expected) throws PoisonRecordException {
        return decoder.decode(record, expected);
    }

    public static byte[] toBinary(SpecificRecordBase event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            EventSerializer.writeAvro(event, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends SpecificRecordBase> T fromBinary(byte[] bytes, Class<T> type) {
        try {
            Schema schema = EventDecoder.modelOf(type).getSchema(type);
            return new SpecificDatumReader<T>(schema, schema, EventDecoder.modelOf(type))
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
