package dev.kantor.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vessel's cluster behind its satellite link (LinkProxy in front of the brokers' uplink listener), MirrorMaker 2
 * carrying its topics ashore as vessel1.*, and the link lost while the containers keep reporting: first silently
 * (black hole), with MirrorMaker killed with kill -9 meanwhile and started again while the link is still down, then
 * loudly (connections reset). Once the link is back, the shore holds every record the vessel acknowledged, exactly
 * once (read_committed) and in order per key. The outage lasts -Dkantor.fleet.outage (1 minute by default; FleetLinkLossIT cuts the whole fleet for 75 s).
 */
class MirrorLinkIT {

    static final Duration OUTAGE = Duration.parse(System.getProperty("kantor.fleet.outage", "PT1M"));

    @TempDir
    static Path dir;
    static KafkaCluster vessel;
    static KafkaCluster shore;
    static LinkProxy link;
    static MirrorMakerPart mirror;
    static MirrorMakerSupervisor supervisor;

    @BeforeAll
    static void start() throws Exception {
        vessel = new KafkaCluster(dir.resolve("vessel"), dir.resolve("logs"), 1, 19092, "256m");
        link = new LinkProxy(0, new InetSocketAddress(InetAddress.getLoopbackAddress(), vessel.uplinkPort(0)));
        vessel.withUplink(List.of(link.port()));
        shore = new KafkaCluster(dir.resolve("shore"), dir.resolve("logs"), 1, 19192, "256m");
        vessel.startAll(Duration.ofSeconds(120));
        shore.startAll(Duration.ofSeconds(120));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", vessel.bootstrapServers()))) {
            // The outage test's topic, and the supervisor test's own.
            admin.createTopics(List.of(new NewTopic("reefer-readings", 3, (short) 1), new NewTopic("reefer-alerts", 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        mirror = new MirrorMakerPart("vessel1", "127.0.0.1:" + link.port(), shore.bootstrapServers(), dir.resolve("mm2"),
                dir.resolve("logs/mirrormaker.log"), (short) 1, Ports.any());
        mirror.start();
        supervisor = new MirrorMakerSupervisor(mirror, "vessel1", shore.bootstrapServers(), Duration.ofSeconds(15)).start();
    }

    @AfterAll
    static void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
        if (mirror != null) {
            mirror.stop();
        }
        if (link != null) {
            link.close();
        }
        if (shore != null) {
            shore.stopAll();
        }
        if (vessel != null) {
            vessel.stopAll();
        }
    }

    @Test
    void everyRecordTheVesselAcknowledgedArrivesOnceAfterTheLinkComesBack() throws Exception {
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> devices = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                vessel.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
             Shore ashore = new Shore("vessel1.reefer-readings")) {
            send(devices, sent, 0, 200);
            await().atMost(Duration.ofMinutes(3)).until(() -> ashore.read().size() >= 200);

            long started = System.nanoTime();
            link.mode(LinkProxy.Mode.BLACKHOLE);
            int next = 200;
            long blackHole = OUTAGE.multipliedBy(3).dividedBy(4).toNanos();
            boolean mirrorRestarted = false;
            while (System.nanoTime() - started < blackHole) {
                send(devices, sent, next, 20);
                next += 20;
                if (!mirrorRestarted && System.nanoTime() - started > blackHole / 3) {
                    // MirrorMaker dies during the outage and comes back while the link is still down.
                    mirror.kill();
                    mirror.start();
                    mirrorRestarted = true;
                }
                TimeUnit.MILLISECONDS.sleep(500); // the devices' reporting interval, not a synchronisation
            }
            link.mode(LinkProxy.Mode.RESET);
            while (System.nanoTime() - started < OUTAGE.toNanos()) {
                send(devices, sent, next, 20);
                next += 20;
                TimeUnit.MILLISECONDS.sleep(500);
            }
            int beforeReturn = ashore.read().size();
            long back = System.nanoTime();
            link.mode(LinkProxy.Mode.UP);
            await().atMost(Duration.ofMinutes(5)).until(() -> ashore.read().size() >= sent.size());
            double catchUp = (System.nanoTime() - back) / 1e9;
            // Anything arriving late would be a duplicate: read a little longer.
            for (int i = 0; i < 6; i++) {
                ashore.read();
            }
            Map<String, Integer> copies = new TreeMap<>();
            ashore.read().forEach(value -> copies.merge(value, 1, Integer::sum));
            Map<String, Integer> expected = new TreeMap<>();
            sent.forEach(value -> expected.put(value, 1));
            assertEquals(expected, copies, "every acknowledged record ashore, exactly once");
            ashore.assertOrderedPerKey();
            System.out.printf("mirror link: %d records, %d ashore when the link came back after %s, all ashore %.1f s later;"
                    + " supervisor restarts %d%n", sent.size(), beforeReturn, OUTAGE, catchUp, supervisor.restarts());
        }
    }

    /**
     * KAFKA-12798: Connect never restarts a connector that failed (for instance while its source was unreachable).
     * The supervisor reads MirrorMaker's own status records; when one says FAILED, it restarts MirrorMaker, which then
     * reports RUNNING and mirrors again. The failure is reported here the way a worker reports it: the connector's
     * latest status record, as MirrorMaker wrote it, with its state FAILED.
     */
    @Test
    void theSupervisorRestartsMirrorMakerWhenAConnectorFailed() throws Exception {
        String key = "status-connector-MirrorSourceConnector";
        await("MirrorMaker's own status records read").atMost(Duration.ofMinutes(2)).until(() -> "RUNNING".equals(supervisor.states().get(key)));
        String running = null;
        String statusTopic = "mm2-status.vessel1.internal";
        try (KafkaConsumer<String, String> status = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, shore.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = status.partitionsFor(statusTopic).stream().map(p -> new TopicPartition(statusTopic, p.partition())).toList();
            status.assign(partitions);
            status.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = status.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                status.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key()) && r.value() != null) {
                        values.add(r.value());
                    }
                });
                return partitions.stream().allMatch(p -> status.position(p) >= ends.get(p));
            });
            running = values.get(values.size() - 1);
        }
        assertTrue(running.contains("\"RUNNING\""), running);
        int restartsBefore = supervisor.restarts();
        long pidBefore = mirror.pid().orElseThrow();
        try (KafkaProducer<String, String> worker = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, shore.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            worker.send(new ProducerRecord<>(statusTopic, key, running.replace("\"RUNNING\"", "\"FAILED\""))).get(30, TimeUnit.SECONDS);
        }
        await("the supervisor restarts MirrorMaker").atMost(Duration.ofMinutes(1)).until(() -> supervisor.restarts() > restartsBefore);
        await("a new MirrorMaker process").atMost(Duration.ofMinutes(1))
                .until(() -> mirror.healthy() && mirror.pid().isPresent() && mirror.pid().getAsLong() != pidBefore);
        await("the connector running again").atMost(Duration.ofMinutes(2)).until(() -> "RUNNING".equals(supervisor.states().get(key)));
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> devices = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                vessel.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
             Shore ashore = new Shore("vessel1.reefer-alerts")) {
            send(devices, "reefer-alerts", sent, 0, 20);
            await("mirroring again").atMost(Duration.ofMinutes(2)).until(() -> ashore.read().containsAll(sent));
        }
    }

    private static void send(KafkaProducer<String, String> devices, List<String> sent, int from, int count) throws Exception {
        send(devices, "reefer-readings", sent, from, count);
    }

    private static void send(KafkaProducer<String, String> devices, String topic, List<String> sent, int from, int count) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String value = String.format("reading-%06d", i);
            acks.add(devices.send(new ProducerRecord<>(topic, "container-" + (i % 12), value)));
        }
        for (var ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        for (int i = from; i < from + count; i++) {
            sent.add(String.format("reading-%06d", i));
        }
    }

    /** The mirrored topic ashore, read_committed, from its beginning: every value read so far, per key in order. */
    static final class Shore implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final String topic;
        private final List<String> values = new ArrayList<>();
        private final Map<String, List<String>> byKey = new HashMap<>();
        private boolean assigned;

        Shore(String topic) {
            this.topic = topic;
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, shore.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new StringDeserializer());
        }

        synchronized List<String> read() {
            if (!assigned) {
                List<org.apache.kafka.common.PartitionInfo> partitions;
                try {
                    partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                    partitions = List.of();
                }
                if (partitions == null || partitions.isEmpty()) {
                    return List.copyOf(values); // MirrorMaker has not created it yet
                }
                List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(all);
                consumer.seekToBeginning(all);
                assigned = true;
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                values.add(r.value());
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            });
            return List.copyOf(values);
        }

        void assertOrderedPerKey() {
            byKey.forEach((key, list) -> {
                List<String> sorted = new ArrayList<>(list);
                java.util.Collections.sort(sorted);
                assertEquals(sorted, list, key + " in the order the vessel wrote it");
            });
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
