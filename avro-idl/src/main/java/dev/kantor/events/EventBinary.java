package dev.kantor.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * An event as plain Avro binary (no registry framing), for a service that stores an event it will publish later
 * (the transaction service's stored outcomes): a redelivery then re-publishes exactly the stored event. With the
 * contracts so that storing an event needs no messaging code.
 */
public final class EventBinary {

    private EventBinary() {
    }

    public static byte[] write(SpecificRecordBase event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            EventSerializer.writeAvro(event, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends SpecificRecordBase> T read(byte[] bytes, Class<T> type) {
        try {
            Schema schema = EventDecoder.modelOf(type).getSchema(type);
            return new SpecificDatumReader<T>(schema, schema, EventDecoder.modelOf(type))
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
