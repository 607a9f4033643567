package dev.kantor.service.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * Carries a request's trace from what caused an event to the event, as a W3C {@code traceparent} string: batch
 * consumers and publishers that send later (from a table) publish outside the context of the record or HTTP call that
 * caused them, so the connector alone would start a new trace for each event. The string is what is kept (on a
 * {@link SourceRecord}, in a row); {@link #continuing} turns it back into the parent of the connector's producer span,
 * whose own {@code traceparent} the connector writes into the record's headers.
 */
public final class TraceParent {

    /** The W3C header every hop carries. */
    public static final String HEADER = "traceparent";

    private static final TextMapGetter<String> VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private TraceParent() {
    }

    /**
     * The trace a consumed record continues: its consumer span when the connector made one (tracing on), else the
     * producer's {@code traceparent} header; null when it carries no trace.
     */
    public static String of(Message<?> record, Headers headers) {
        Optional<TracingMetadata> tracing = TracingMetadata.fromMessage(record);
        if (tracing.isPresent() && tracing.get().getCurrentContext() != null) {
            String own = format(Span.fromContext(tracing.get().getCurrentContext()).getSpanContext());
            if (own != null) {
                return own;
            }
        }
        return header(headers);
    }

    /** The {@code traceparent} header of a record, null if it has none. */
    public static String header(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The span current on this thread or Vert.x context (an HTTP request's server span), null if there is none. */
    public static String current() {
        return format(Span.current().getSpanContext());
    }

    /** {@code 00-<trace id>-<span id>-<flags>}, null for an invalid context. */
    public static String format(SpanContext span) {
        return span == null || !span.isValid() ? null
                : "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context a {@code traceparent} names, as a remote parent; the root context if it is null or malformed. */
    public static Context parse(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, VALUE);
    }

    /**
     * The message sent as a continuation of {@code traceparent}: the connector's producer span becomes its child and
     * writes its own {@code traceparent} header. Unchanged when there is no trace to continue.
     */
    public static <T> Message<T> continuing(Message<T> message, String traceparent) {
        Context parent = parse(traceparent);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return message;
        }
        return message.addMetadata(TracingMetadata.withCurrent(parent));
    }

    /** The trace id of a {@code traceparent} (32 hex digits), null if it is malformed: what a trace is known by. */
    public static String traceId(String traceparent) {
        SpanContext span = Span.fromContext(parse(traceparent)).getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }

}
