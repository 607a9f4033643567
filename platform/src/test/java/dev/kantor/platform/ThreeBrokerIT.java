package dev.kantor.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real brokers, replication 3, min.insync.replicas 2, acks=all: one broker is killed with SIGKILL while
 * 100,000 records are produced, and every record is read back, once, in order per key (and so per partition).
 */
class ThreeBrokerIT {

    static final int RECORDS = 100_000;
    static final int KILL_AFTER = 30_000;
    static final String TOPIC = "ha-test";

    @TempDir
    static Path dir;
    static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new KafkaCluster(dir.resolve("kafka"), dir.resolve("logs"), 3, 29092, "384m");
        cluster.startAll(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stopAll();
        }
    }

    @Test
    void killingABrokerUnderLoadLosesNothingAndKeepsOrder() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
        }

        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger acknowledged = new AtomicInteger();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == KILL_AFTER) {
                    producer.flush();
                    cluster.node(1).kill();
                }
                String key = "account-" + (i % 50);
                producer.send(new ProducerRecord<>(TOPIC, key, ByteBuffer.allocate(4).putInt(i).array()), (meta, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(RECORDS, acknowledged.get());
        assertEquals(2, cluster.brokersUp(), "the killed broker stays down");

        Map<String, Integer> lastPerKey = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        List<String> outOfOrder = new ArrayList<>();
        AtomicInteger duplicates = new AtomicInteger();
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    int value = ByteBuffer.wrap(record.value()).getInt();
                    if (!seen.add(value)) {
                        duplicates.incrementAndGet();
                    }
                    Integer previous = lastPerKey.put(record.key(), value);
                    if (previous != null && previous >= value) {
                        outOfOrder.add(record.key() + ": " + previous + " then " + value);
                    }
                }
                return seen.size() >= RECORDS;
            });
        }
        assertEquals(RECORDS, seen.size());
        assertEquals(0, duplicates.get(), "records read twice");
        assertTrue(outOfOrder.isEmpty(), "out of order: " + outOfOrder.stream().limit(5).toList());
    }
}
