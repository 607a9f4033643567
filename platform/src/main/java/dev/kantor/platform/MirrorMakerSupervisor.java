package dev.kantor.platform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Restarts MirrorMaker 2 when one of its connectors or tasks has failed: Connect never restarts a connector that
 * failed (KAFKA-12798), for example because the vessel was unreachable when it started, so without this a link that
 * comes back would carry nothing. It reads the connectors' states where MirrorMaker writes them, the status topic on
 * the shore cluster ({@code mm2-status.<vessel>.internal}), and restarts the process (alive or dead) at most once per
 * {@code pause}.
 */
public final class MirrorMakerSupervisor implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MirrorMakerPart mirror;
    private final KafkaConsumer<String, String> status;
    private final Map<String, String> states = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mirrormaker-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger restarts = new AtomicInteger();
    private final Duration pause;
    private volatile long lastRestart;
    private final String statusTopic;
    private boolean assigned;

    public MirrorMakerSupervisor(MirrorMakerPart mirror, String vessel, String shoreBootstrap, Duration pause) {
        this.mirror = mirror;
        this.pause = pause;
        this.lastRestart = System.nanoTime() - pause.toNanos();
        this.status = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, shoreBootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        this.statusTopic = "mm2-status." + vessel + ".internal";
    }

    /** Checks every few seconds from now on. */
    public MirrorMakerSupervisor start() {
        timer.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
        return this;
    }

    /** How often it has restarted MirrorMaker. */
    public int restarts() {
        return restarts.get();
    }

    /** The latest state of every connector and task MirrorMaker reported (status-connector-..., status-task-...). */
    public synchronized Map<String, String> states() {
        return Map.copyOf(states);
    }

    private synchronized void check() {
        try {
            if (!assigned) {
                List<TopicPartition> partitions = status.partitionsFor(statusTopic, Duration.ofSeconds(5)).stream()
                        .map(p -> new TopicPartition(statusTopic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    return; // MirrorMaker has not created it yet
                }
                status.assign(partitions);
                status.seekToBeginning(partitions);
                assigned = true;
            }
            status.poll(Duration.ofMillis(500)).forEach(record -> {
                if (record.value() == null) {
                    states.remove(record.key());
                    return;
                }
                try {
                    states.put(record.key(), JSON.readTree(record.value()).path("state").asText());
                } catch (Exception unreadable) {
                    // not a status record
                }
            });
            boolean failed = states.values().stream().anyMatch("FAILED"::equals);
            boolean dead = !mirror.healthy();
            if ((failed || dead) && System.nanoTime() - lastRestart > pause.toNanos()) {
                lastRestart = System.nanoTime();
                restarts.incrementAndGet();
                System.out.println("kantor: restarting " + mirror.name() + (failed ? " (a connector failed: " + states + ")" : " (it died)"));
                mirror.stop();
                states.replaceAll((key, state) -> "FAILED".equals(state) ? "RESTARTING" : state);
                mirror.start();
            }
        } catch (org.apache.kafka.common.errors.InterruptException closing) {
            Thread.currentThread().interrupt(); // close() stops the checks
        } catch (Exception e) {
            System.err.println("kantor: mirrormaker supervisor: " + e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            status.close();
        }
    }
}
