package dev.kantor.service.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.kantor.service.config.Backoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;

/**
 * A record the service cannot process, as it goes to its dead letter topic: the original key, value bytes and
 * headers, plus headers saying why, what failed, where the record came from and which consumer group gave up on it.
 * The headers are SmallRye's own dead-letter-queue names, so a tool made for its DLQ reads ours; only the consumer
 * group is ours, under the same prefix.
 */
public final class DeadLetter {

    public static final String REASON = KafkaDeadLetterQueue.DEAD_LETTER_REASON;
    /** The failure's class, absent when the record was refused by a rule rather than by an exception. */
    public static final String EXCEPTION = KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME;
    /** The failure's message, absent with {@link #EXCEPTION}. */
    public static final String CAUSE = KafkaDeadLetterQueue.DEAD_LETTER_CAUSE;
    public static final String SOURCE_TOPIC = KafkaDeadLetterQueue.DEAD_LETTER_TOPIC;
    public static final String SOURCE_PARTITION = KafkaDeadLetterQueue.DEAD_LETTER_PARTITION;
    public static final String SOURCE_OFFSET = KafkaDeadLetterQueue.DEAD_LETTER_OFFSET;
    public static final String CONSUMER_GROUP = "dead-letter-consumer-group";

    private static final Logger LOG = Logger.getLogger(DeadLetter.class);

    private DeadLetter() {
    }

    /** The message to send on a byte[] DLT channel (value serializer ByteArraySerializer). */
    public static Message<byte[]> of(SourceRecord record, String reason, Throwable cause, String group) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers(record, reason, cause, group)).build();
        return Message.of(record.value() == null ? new byte[0] : record.value()).addMetadata(metadata);
    }

    /** The dead letter's headers: the record's own, then why, what failed, where it came from and who gave up. */
    public static RecordHeaders headers(SourceRecord record, String reason, Throwable cause, String group) {
        RecordHeaders headers = new RecordHeaders();
        if (record.headers() != null) {
            for (Header header : record.headers()) {
                headers.add(header);
            }
        }
        headers.add(REASON, utf8(reason));
        if (cause != null) {
            headers.add(EXCEPTION, utf8(cause.getClass().getName()));
            headers.add(CAUSE, utf8(cause.getMessage()));
        }
        headers.add(SOURCE_TOPIC, utf8(record.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(CONSUMER_GROUP, utf8(group));
        return headers;
    }

    /**
     * The one way a record goes to its dead letter topic (a byte[] channel, acks=all): completes when the broker has
     * it. Sending is retried with back-off for as long as it fails: a record is never acked without its dead letter.
     */
    public static Uni<Void> send(MutinyEmitter<byte[]> emitter, SourceRecord record, String reason, Throwable cause,
            String group, Backoff backoff) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        return Uni.createFrom().deferred(() -> emitter.sendMessage(of(record, reason, cause, group)))
                .onFailure().invoke(e -> LOG.warnf("dead-lettering failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    private static byte[] utf8(String value) {
        return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    }
}
