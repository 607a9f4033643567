package dev.kantor.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.kantor.platform.KafkaCluster;
import dev.kantor.platform.LinkProxy;
import dev.kantor.platform.MirrorMakerPart;
import dev.kantor.platform.MirrorMakerSupervisor;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ReplicationProfile;
import dev.kantor.platform.TopologyApplier;
import dev.kantor.topology.Topology;

/**
 * MirrorMaker 2's catch-up after a satellite outage, on clusters of its own (a vessel behind its link proxy, a shore,
 * MirrorMaker and its supervisor as the launcher runs them): devices write {@code --rate} readings a second of
 * {@code --bytes} bytes while the link is down for {@code --cut} (ISO-8601, PT2M); when it comes back, the figures are
 * the backlog, the time until the shore holds all of it (MirrorMaker's lag at zero) and the records a second that
 * makes. {@code --throttle B} brings the link back as a satellite link of B bytes a second instead of a full one.
 * Writes benchmarks/results/mirror-*.tsv.
 */
public final class MirrorBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        Duration cut = Duration.parse(options.getOrDefault("cut", "PT2M"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "500"));
        int bytes = Integer.parseInt(options.getOrDefault("bytes", "200"));
        long throttle = Long.parseLong(options.getOrDefault("throttle", "0"));
        Path dir = Files.createTempDirectory("kantor-mirror-benchmark");
        KafkaCluster vessel = new KafkaCluster(dir.resolve("vessel"), dir.resolve("logs"), 1, Ports.any(), "256m");
        KafkaCluster shore = new KafkaCluster(dir.resolve("shore"), dir.resolve("logs"), 1, Ports.any(), "256m");
        LinkProxy link = new LinkProxy(0, new InetSocketAddress(InetAddress.getLoopbackAddress(), vessel.uplinkPort(0)));
        vessel.withUplink(List.of(link.port()));
        MirrorMakerPart mirror = null;
        MirrorMakerSupervisor supervisor = null;
        try {
            vessel.startAll(Duration.ofSeconds(120));
            shore.startAll(Duration.ofSeconds(120));
            try (Admin admin = Admin.create(vessel.adminConfig())) {
                new TopologyApplier(admin, ReplicationProfile.forBrokers(1)).apply(Topology.vessel());
            }
            mirror = new MirrorMakerPart("vessel1", "127.0.0.1:" + link.port(), shore.bootstrapServers(), dir.resolve("mm2"),
                    dir.resolve("logs/mirrormaker.log"), (short) 1, Ports.any());
            mirror.start();
            supervisor = new MirrorMakerSupervisor(mirror, "vessel1", shore.bootstrapServers(), Duration.ofSeconds(15)).start();
            byte[] payload = new byte[bytes];
            try (KafkaProducer<String, byte[]> devices = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, vessel.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer());
                 Admin vesselAdmin = Admin.create(vessel.adminConfig());
                 Ashore ashoreRecords = new Ashore(shore.bootstrapServers(), "vessel1.reefer-readings")) {
                // Warm: the mirrored topic exists ashore and holds what the vessel has.
                write(devices, payload, 100, 0);
                devices.flush();
                long warm = System.nanoTime();
                while (ashoreRecords.count() < ends(vesselAdmin, "reefer-readings")) {
                    if (System.nanoTime() - warm > TimeUnit.MINUTES.toNanos(3)) {
                        throw new IllegalStateException("MirrorMaker did not mirror the first readings within 3 minutes");
                    }
                }
                long before = ends(vesselAdmin, "reefer-readings");
                link.mode(LinkProxy.Mode.RESET);
                long started = System.nanoTime();
                int second = 0;
                while (System.nanoTime() - started < cut.toNanos()) {
                    write(devices, payload, rate, second++);
                    long next = started + TimeUnit.SECONDS.toNanos(second);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the devices' pace
                }
                devices.flush();
                long onBoard = ends(vesselAdmin, "reefer-readings");
                long backlog = onBoard - before;
                if (throttle > 0) {
                    link.throttle(throttle);
                    link.mode(LinkProxy.Mode.THROTTLE);
                } else {
                    link.mode(LinkProxy.Mode.UP);
                }
                long back = System.nanoTime();
                long ashore;
                while ((ashore = ashoreRecords.count()) < onBoard) {
                    if (System.nanoTime() - back > TimeUnit.MINUTES.toNanos(30)) {
                        throw new IllegalStateException("not caught up in 30 minutes: " + ashore + " of " + onBoard);
                    }
                }
                double seconds = (System.nanoTime() - back) / 1e9;
                List<String> lines = new ArrayList<>();
                lines.add("cut\trate_per_s\trecord_bytes\tlink_after\tbacklog_records\tzero_lag_s\tcatch_up_records_per_s\tsupervisor_restarts");
                lines.add(String.format("%s\t%d\t%d\t%s\t%d\t%.1f\t%.0f\t%d", cut, rate, bytes, throttle > 0 ? throttle + "B/s" : "full",
                        backlog, seconds, backlog / seconds, supervisor.restarts()));
                Results.write("mirror", lines);
            }
        } finally {
            if (supervisor != null) {
                supervisor.close();
            }
            if (mirror != null) {
                mirror.stop();
            }
            link.close();
            shore.stopAll();
            vessel.stopAll();
        }
    }

    private static void write(KafkaProducer<String, byte[]> devices, byte[] payload, int count, int second) {
        for (int i = 0; i < count; i++) {
            devices.send(new ProducerRecord<>("reefer-readings", "container-" + (i % 500), payload));
        }
    }

    /**
     * The mirrored records ashore, counted as read_committed readers see them (with exactly-once source the topic's end
     * offsets also count transaction markers, so offsets would overstate it). Each call reads for up to 100 ms.
     */
    static final class Ashore implements AutoCloseable {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private long count;
        private boolean assigned;

        Ashore(String bootstrap, String topic) {
            this.topic = topic;
            consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "isolation.level", "read_committed", "enable.auto.commit", false, "max.poll.records", 10_000),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        }

        long count() {
            if (!assigned) {
                var partitions = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
                if (partitions == null) {
                    return 0;
                }
                var all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(all);
                consumer.seekToBeginning(all);
                assigned = true;
            }
            count += consumer.poll(Duration.ofMillis(100)).count();
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** The sum of a topic's end offsets (the vessel's topics: written without transactions, so one per record). */
    private static long ends(Admin admin, String topic) throws Exception {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
    }
}
