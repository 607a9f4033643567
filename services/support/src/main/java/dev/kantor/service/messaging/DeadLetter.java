package dev.kantor.service.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

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
     * Sends the poison records of a batch to a byte[] DLT channel; completes when the broker has all of them.
     * Sending is retried with back-off for as long as it fails: a record is never acked without its dead letter.
     */
    public static io.smallrye.mutiny.Uni<Void> sendAll(io.smallrye.reactive.messaging.MutinyEmitter<byte[]> emitter,
            java.util.List<Poison> poison, String group, java.time.Duration initial, java.time.Duration max) {
        if (poison.isEmpty()) {
            return io.smallrye.mutiny.Uni.createFrom().voidItem();
        }
        java.util.List<io.smallrye.mutiny.Uni<Void>> sends = new java.util.ArrayList<>();
        for (Poison p : poison) {
            LOG.warnf("dead-lettering %s-%d@%d: %s", p.record().topic(), p.record().partition(), p.record().offset(), p.failure().getMessage());
            sends.add(io.smallrye.mutiny.Uni.createFrom().deferred(() -> emitter.sendMessage(of(p.record(), p.failure().getMessage(), p.cause(), group)))
                    .onFailure().invoke(e -> LOG.warnf("dead-lettering failed, retrying: %s", e.toString()))
                    .onFailure().retry().withBackOff(initial, max).indefinitely());
        }
        return io.smallrye.mutiny.Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private static byte[] utf8(String value) {
        return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    }
}
