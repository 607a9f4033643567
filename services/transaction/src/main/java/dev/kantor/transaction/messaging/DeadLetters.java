package dev.kantor.transaction.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Writes a record the service cannot process to transaction.dlt: the original key, value bytes and headers, plus
 * headers saying why, what failed, where the record came from and which consumer group gave up on it.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "dlt-reason";
    public static final String EXCEPTION = "dlt-exception";
    public static final String SOURCE_TOPIC = "dlt-source-topic";
    public static final String SOURCE_PARTITION = "dlt-source-partition";
    public static final String SOURCE_OFFSET = "dlt-source-offset";
    public static final String CONSUMER_GROUP = "dlt-consumer-group";

    @Inject
    @Channel("transaction-dlt")
    MutinyEmitter<byte[]> emitter;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "mp.messaging.incoming.transaction-requests.group.id")
    String group;

    /** Completes when the broker has the dead letter (acks=all). */
    public Uni<Void> send(SourceRecord record, String reason, Throwable cause) {
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
        byte[] value = record.value() == null ? new byte[0] : record.value();
        return emitter.sendMessage(Message.of(value).addMetadata(metadata))
                .invoke(() -> metrics.counter("kantor.transaction.records", "outcome", "dlt").increment());
    }

    private static byte[] utf8(String value) {
        return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    }
}
