package dev.kantor.platform;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One record of a dead-letter topic as an operator sees it: where it sits, why it is there (the dead-letter-* headers
 * every service writes, see services/support DeadLetter), and the original key, value and headers to send back.
 */
public record DeadLetterRecord(String topic, int partition, long offset, Instant timestamp, byte[] key, byte[] value,
        List<Header> headers) {

    /** The header names of services/support DeadLetter (SmallRye's dead-letter-queue names, plus the consumer group). */
    static final String PREFIX = "dead-letter-";
    static final String REASON = "dead-letter-reason";
    static final String EXCEPTION = "dead-letter-exception-class-name";
    static final String CAUSE = "dead-letter-cause";
    static final String SOURCE_TOPIC = "dead-letter-topic";
    static final String SOURCE_PARTITION = "dead-letter-partition";
    static final String SOURCE_OFFSET = "dead-letter-offset";
    static final String CONSUMER_GROUP = "dead-letter-consumer-group";

    public DeadLetterRecord {
        headers = List.copyOf(headers);
    }

    static DeadLetterRecord of(ConsumerRecord<byte[], byte[]> record) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(h -> headers.add(new RecordHeader(h.key(), h.value())));
        return new DeadLetterRecord(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                record.key(), record.value(), headers);
    }

    /** Where it sits, as the replay log keys it: {@code transaction.dlt/0/12}. */
    public String id() {
        return topic + "/" + partition + "/" + offset;
    }

    public String reason() {
        return header(REASON).orElse("(no reason header)");
    }

    public Optional<String> exception() {
        return header(EXCEPTION).filter(s -> !s.isEmpty());
    }

    public Optional<String> cause() {
        return header(CAUSE).filter(s -> !s.isEmpty());
    }

    /** The topic it was read from: where a replay sends it; empty for a record no service dead-lettered. */
    public Optional<String> sourceTopic() {
        return header(SOURCE_TOPIC).filter(s -> !s.isEmpty());
    }

    public String source() {
        return sourceTopic().map(t -> t + " " + header(SOURCE_PARTITION).orElse("?") + "@" + header(SOURCE_OFFSET).orElse("?"))
                .orElse("(unknown)");
    }

    public String consumerGroup() {
        return header(CONSUMER_GROUP).orElse("(unknown)");
    }

    /** The record's own headers, as its producer wrote them: every header but the dead-letter-* ones, in order. */
    public List<Header> originalHeaders() {
        return headers.stream().filter(h -> !h.key().startsWith(PREFIX)).toList();
    }

    public String keyText() {
        return key == null ? "(null)" : new String(key, StandardCharsets.UTF_8);
    }

    /** The last header of that name as text (the dead-letter-* ones are added after the record's own). */
    public Optional<String> header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(name)) {
                byte[] value = headers.get(i).value();
                return Optional.of(value == null ? "" : new String(value, StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
