package dev.kantor.service.messaging;

import org.apache.avro.specific.SpecificRecord;

import dev.kantor.events.EventDecoder;

/** Decodes a consumed record into the event its topic carries, as poison (to the DLT) or a transient failure (retry). */
public final class RecordDecoder {

    private final EventDecoder decoder;

    /** @param registryApiV2 the registry's v2 API (the connector's {@code apicurio.registry.url}) */
    public RecordDecoder(String registryApiV2) {
        this.decoder = new EventDecoder(registryApiV2);
    }

    public <T extends SpecificRecord> T decode(SourceRecord record, Class<T> expected) throws PoisonRecordException {
        try {
            return decoder.decode(record.value(), expected);
        } catch (EventDecoder.UndecodableEventException e) {
            throw new PoisonRecordException("undecodable " + expected.getSimpleName() + ": " + e.getMessage(), e);
        } catch (EventDecoder.RegistryUnavailableException e) {
            throw new TransientFailureException(e.getMessage(), e);
        }
    }
}
