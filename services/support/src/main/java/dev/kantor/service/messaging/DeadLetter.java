package dev.kantor.service.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.kantor.service.config.Backoff;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * A record the service cannot process, as it goes to its dead letter topic: the original key, value bytes and
 * headers, plus headers saying why, what failed, where the record came from and which consumer group gave up on it.
 */
public final class DeadLetter {

    public static final String REASON = "dlt-reason";
    public static final String EXCEPTION = "dlt-exception";
    public static final String SOURCE_TOPIC = "dlt-source-topic";
    public static final String SOURCE_PARTITION = "dlt-source-partition";
    public static final String SOURCE_OFFSET = "dlt-source-offset";
    public static final String CONSUMER_GROUP = "dlt-consumer-group";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DeadLetter.class);

    private DeadLetter() {
    }

    /** The message to send on a byte[] DLT channel (value serializer ByteArraySerializer). */
    public static Message<byte[]> of(SourceRecord record, String reason, Throwable cause, String group) {
        RecordHeaders headers = new RecordHeaders();
        if (record.headers() != null) {
            for (Header header : record.headers()) {
                headers.add(header);
            }
        }
        headers.add(REASON, utf8(reason));
        headers.add(EXCEPTION, utf8(cause == null ? "none" : cause.getClass().getName() + ": " + cause.getMessage()));
        headers.add(SOURCE_TOPIC, utf8(record.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(CONSUMER_GROUP, utf8(group));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        return Message.of(record.value() == null ? new byte[0] : record.value()).addMetadata(metadata);
    }

    /**
     * The one way a record goes to its dead letter topic (a byte[] channel, acks=all): completes when the broker has
     * it. Sending is retried with back-off for as long as it fails: a record is never acked without its dead letter.
     */
    public static io.smallrye.mutiny.Uni<Void> send(io.smallrye.reactive.messaging.MutinyEmitter<byte[]> emitter, SourceRecord record,
            String reason, Throwable cause, String group, Backoff backoff) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        return io.smallrye.mutiny.Uni.createFrom().deferred(() -> emitter.sendMessage(of(record, reason, cause, group)))
                .onFailure().invoke(e -> LOG.warnf("dead-lettering failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    /** Sends the poison records of a batch, each by {@link #send}; completes when the broker has all of them. */
    public static io.smallrye.mutiny.Uni<Void> sendAll(io.smallrye.reactive.messaging.MutinyEmitter<byte[]> emitter,
            java.util.List<Poison> poison, String group, Backoff backoff) {
        if (poison.isEmpty()) {
            return io.smallrye.mutiny.Uni.createFrom().voidItem();
        }
        java.util.List<io.smallrye.mutiny.Uni<Void>> sends = new java.util.ArrayList<>();
        for (Poison p : poison) {
            sends.add(send(emitter, p.record(), p.failure().getMessage(), p.cause(), group, backoff));
        }
        return io.smallrye.mutiny.Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private static byte[] utf8(String value) {
        return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    }
}
