package dev.kantor.transaction.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordDecoder;
import dev.kantor.service.messaging.SourceRecord;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decodes consumed bytes through the schema registry, telling poison (the bytes or their schema are wrong) from a
 * transient failure (the registry is unreachable). Stored outcomes are plain Avro binary: dev.kantor.events.EventBinary.
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
}
