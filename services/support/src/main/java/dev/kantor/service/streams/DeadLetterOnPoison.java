package dev.kantor.service.streams;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jboss.logging.Logger;

import dev.kantor.events.EventDecoder;
import dev.kantor.service.messaging.DeadLetter;
import dev.kantor.service.messaging.SourceRecord;

/**
 * A record a Kafka Streams service cannot read goes to its dead letter topic ({@code <application id>.dlt}) with
 * the platform's dead-letter headers, and the stream goes on. The dead letter is waited for at the broker before the stream moves past the
 * record; if it cannot be written, or the registry is unreachable (nothing wrong with the record), the stream stops
 * at the record instead, to read it again once restarted. The dead letter is written outside the stream's
 * transaction: a task aborted after it may dead-letter the same record again (at least once, like the exchange's).
 */
public final class DeadLetterOnPoison implements DeserializationExceptionHandler {

    /** The stream setting naming the dead letter topic (kafka-streams.kantor.dead-letter.topic in application.properties). */
    public static final String TOPIC_CONFIG = "kantor.dead-letter.topic";

    /**
     * One producer per process and cluster: Kafka Streams makes a handler for every task, and a producer each would
     * be a network thread each, never closed.
     */
    private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where a stream's unreadable records go unless configured: {@code <application id>.dlt}, as the exchange names them. */
    public static String topic(String applicationId) {
        return applicationId + ".dlt";
    }

    private static final Logger LOG = Logger.getLogger(DeadLetterOnPoison.class);

    private KafkaProducer<byte[], byte[]> producer;
    private String group;
    private String topic;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // The secured cluster's login, when there is one, is the stream's own.
        configs.forEach((key, value) -> {
            if (key.startsWith("sasl.") || key.startsWith("security.") || key.startsWith("ssl.")) {
                producerConfig.put(key, value);
            }
        });
        producer = PRODUCERS.computeIfAbsent(String.valueOf(producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)),
                servers -> new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer()));
        group = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        topic = configs.get(TOPIC_CONFIG) != null ? String.valueOf(configs.get(TOPIC_CONFIG)) : topic(group);
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (causedBy(exception, EventDecoder.RegistryUnavailableException.class)) {
            LOG.warnf("cannot read %s-%d@%d now, the registry is unreachable: stopping at it", record.topic(), record.partition(),
                    record.offset());
            return DeserializationHandlerResponse.FAIL;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        SourceRecord source = new SourceRecord(record.topic(), record.partition(), record.offset(), key, record.value(), record.headers());
        String reason = "undecodable: " + exception.getMessage();
        try {
            producer.send(new ProducerRecord<>(topic, null, record.key(), record.value() == null ? new byte[0] : record.value(),
                    DeadLetter.headers(source, reason, exception, group))).get(30, TimeUnit.SECONDS);
            LOG.warnf("dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
            return DeserializationHandlerResponse.CONTINUE;
        } catch (Exception e) {
            LOG.errorf("could not dead-letter %s-%d@%d (%s): stopping at it", record.topic(), record.partition(), record.offset(), e);
            return DeserializationHandlerResponse.FAIL;
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
