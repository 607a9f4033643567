package dev.kantor.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kantor.topology.Topology;

/**
 * A vessel's three brokers (./kantor up --fleet --vessel-brokers 3: the vessel topology at replication 3, min ISR 2):
 * the leader of a readings partition is killed with kill -9 while containers report, and restarted. Every reading a
 * device had acknowledged is there once, and every partition of the vessel's topics is back to three in sync.
 */
class VesselBrokerLossIT {

    @TempDir
    static Path dir;
    static KafkaCluster vessel;

    @BeforeAll
    static void start() throws Exception {
        vessel = new KafkaCluster(dir.resolve("vessel"), dir.resolve("logs"), 3, 24092, "192m").named("vessel1-");
        vessel.startAll(Duration.ofSeconds(120));
        try (Admin admin = Admin.create(vessel.adminConfig())) {
            new TopologyApplier(admin, ReplicationProfile.forBrokers(3)).apply(Topology.vessel());
        }
    }

    @AfterAll
    static void stop() {
        if (vessel != null) {
            vessel.stopAll();
        }
    }

    @Test
    void aLeaderKilledWhileReadingsFlowLosesNoAcknowledgedReadingAndTheIsrReturnsToThree() throws Exception {
        String topic = "reefer-readings";
        int victim;
        try (Admin admin = Admin.create(vessel.adminConfig())) {
            for (String name : Topology.vessel().topics().stream().map(Topology.TopicSpec::name).toList()) {
                assertEquals("2", admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name))).all()
                        .get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value(), name);
            }
            assertTrue(inSync(admin, 3), "every vessel partition on three brokers, in sync");
            victim = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().get(0).leader().id();
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean reporting = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread devices = new Thread(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    vessel.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000), new StringSerializer(), new StringSerializer())) {
                long tick = 0;
                while (reporting.get()) {
                    for (int c = 0; c < 40; c++) {
                        String container = String.format("vessel1-c%04d", c);
                        String reading = container + "/" + tick;
                        sent.incrementAndGet();
                        producer.send(new ProducerRecord<>(topic, container, reading), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.add(reading);
                            } else {
                                failures.add(error);
                            }
                        });
                    }
                    tick++;
                    TimeUnit.MILLISECONDS.sleep(20); // the devices' reporting pace, not a synchronisation
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "devices");
        devices.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > 2_000);
        vessel.node(victim - 1).kill();
        long atKill = acknowledged.size();
        await("readings acknowledged by the two brokers left").atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() > atKill + 4_000);
        try (Admin admin = Admin.create(vessel.adminConfig())) {
            await("the ISR to shrink without the killed broker").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !inSync(admin, 3));
            vessel.node(victim - 1).start();
            vessel.node(victim - 1).awaitHealthy(Duration.ofSeconds(120));
            await("every vessel partition back to three in sync").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> inSync(admin, 3));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > atKill + 6_000);
        reporting.set(false);
        devices.join(TimeUnit.MINUTES.toMillis(3));
        assertEquals(List.of(), List.copyOf(failures), "every reading acknowledged, none failed");

        Map<String, Integer> copies = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, vessel.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> copies.merge(r.value(), 1, Integer::sum));
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        List<String> lost = new ArrayList<>(acknowledged.stream().filter(r -> !copies.containsKey(r)).sorted().toList());
        Map<String, Integer> twice = new HashMap<>();
        copies.forEach((reading, n) -> {
            if (n > 1) {
                twice.put(reading, n);
            }
        });
        assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), lost.size() + " acknowledged readings lost");
        assertEquals(Map.of(), twice, "no reading written twice (idempotent producer)");
        assertEquals(sent.get(), acknowledged.size(), "every reading sent was acknowledged in the end");
        System.out.printf("vessel broker loss: vessel1-kafka-%d (leader of %s-0) killed; %d readings, %d acknowledged before the kill, all read back once;"
                + " ISR back to 3%n", victim, topic, acknowledged.size(), atKill);
    }

    /** Whether every partition of every vessel topic has {@code replicas} replicas in sync. */
    private static boolean inSync(Admin admin, int replicas) throws Exception {
        List<String> names = Topology.vessel().topics().stream().map(Topology.TopicSpec::name).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        return described.values().stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.isr().size() == replicas);
    }
}
