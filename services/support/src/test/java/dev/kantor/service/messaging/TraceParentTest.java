package dev.kantor.service.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;

/** The trace carried from a cause to its events, without Quarkus: headers read, contexts made and attached. */
class TraceParentTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PRODUCER = "00-" + TRACE + "-00f067aa0ba902b7-01";

    @Test
    void aRecordsTraceIsItsTraceparentHeaderWhenTheConnectorMadeNoSpan() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceParent.HEADER, PRODUCER.getBytes(StandardCharsets.UTF_8));
        SourceRecord record = new SourceRecord("transactions", 0, 7L, "acc-1", new byte[0], headers);
        assertEquals(PRODUCER, record.traceparent());
        assertEquals(PRODUCER, TraceParent.of(Message.of("x"), headers));
        assertNull(new SourceRecord("transactions", 0, 8L, "acc-1", new byte[0], new RecordHeaders()).traceparent());
        assertNull(new SourceRecord("transactions", 0, 9L, "acc-1", new byte[0], null).traceparent());
    }

    @Test
    void theConnectorsConsumerSpanIsPreferredToTheHeader() {
        SpanContext consumer = SpanContext.create(TRACE, "1111111111111111", TraceFlags.getSampled(), TraceState.getDefault());
        Message<String> record = Message.of("x").addMetadata(TracingMetadata.with(Context.root().with(Span.wrap(consumer)), Context.root()));
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceParent.HEADER, PRODUCER.getBytes(StandardCharsets.UTF_8));
        assertEquals("00-" + TRACE + "-1111111111111111-01", TraceParent.of(record, headers));
    }

    @Test
    void anOutgoingMessageContinuesTheTraceAsTheParentOfTheProducerSpan() {
        Message<String> sent = TraceParent.continuing(Message.of("event"), PRODUCER);
        TracingMetadata tracing = sent.getMetadata(TracingMetadata.class).orElseThrow();
        SpanContext parent = Span.fromContext(tracing.getCurrentContext()).getSpanContext();
        assertTrue(parent.isRemote(), "the cause is the parent, in another process or another time");
        assertEquals(TRACE, parent.getTraceId());
        assertEquals("00f067aa0ba902b7", parent.getSpanId());
        assertTrue(parent.isSampled());
        assertEquals(PRODUCER, TraceParent.format(parent));
    }

    @Test
    void withoutAValidTraceTheMessageIsLeftAlone() {
        Message<String> message = Message.of("event");
        assertSame(message, TraceParent.continuing(message, null));
        assertSame(message, TraceParent.continuing(message, "not-a-traceparent"));
        assertSame(message, TraceParent.continuing(message, "00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertNull(TraceParent.traceId("garbage"));
        assertEquals(TRACE, TraceParent.traceId(PRODUCER));
    }

    @Test
    void anUnsampledTraceIsCarriedToo() {
        String unsampled = "00-" + TRACE + "-00f067aa0ba902b7-00";
        SpanContext parent = Span.fromContext(TraceParent.continuing(Message.of("e"), unsampled)
                .getMetadata(TracingMetadata.class).orElseThrow().getCurrentContext()).getSpanContext();
        assertEquals(TRACE, parent.getTraceId());
        assertEquals(unsampled, TraceParent.format(parent));
    }

    @Test
    void anEventMessageCarriesItsKeyHeadersAndTrace() {
        Message<String> sent = EventMessage.of("acc-1", "ev-1", "TransactionApproved", "payload", PRODUCER);
        assertTrue(sent.getMetadata(io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata.class).isPresent());
        assertEquals(TRACE, Span.fromContext(sent.getMetadata(TracingMetadata.class).orElseThrow().getCurrentContext())
                .getSpanContext().getTraceId());
    }
}
