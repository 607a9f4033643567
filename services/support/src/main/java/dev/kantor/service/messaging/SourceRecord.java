package dev.kantor.service.messaging;

import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Where a consumed record came from, kept so a dead letter can say it, and the trace it continues (its W3C
 * {@code traceparent}, null without one) so that what it causes is published in the same trace ({@link TraceParent}).
 */
public record SourceRecord(String topic, int partition, long offset, String key, byte[] value, Headers headers,
        String traceparent) {

    /** A record whose trace, if any, is its {@code traceparent} header. */
    public SourceRecord(String topic, int partition, long offset, String key, byte[] value, Headers headers) {
        this(topic, partition, offset, key, value, headers, TraceParent.header(headers));
    }

    /** Every record of a batch, in order. */
    public static java.util.List<SourceRecord> of(Iterable<? extends Message<byte[]>> batch) {
        java.util.List<SourceRecord> records = new java.util.ArrayList<>();
        batch.forEach(message -> records.add(of(message)));
        return records;
    }

    public static SourceRecord of(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        return new SourceRecord(meta.getTopic(), meta.getPartition(), meta.getOffset(),
                meta.getKey() == null ? null : meta.getKey().toString(), message.getPayload(), meta.getHeaders(),
                TraceParent.of(message, meta.getHeaders()));
    }
}
