package dev.kantor.service.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.kantor.events.EventHeaders;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** An outgoing event as every Kantor producer sends it: its key, and its event id and type as headers. */
public final class EventMessage {

    private EventMessage() {
    }

    /** An event in the trace {@code traceparent} names (null: none), see {@link TraceParent#continuing}. */
    public static <T> Message<T> of(String key, String eventId, String eventType, T event, String traceparent) {
        return TraceParent.continuing(of(key, eventId, eventType, event), traceparent);
    }

    public static <T> Message<T> of(String key, String eventId, String eventType, T event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
        return Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build());
    }
}
