package dev.kantor.fleet.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.EventDecoder;
import dev.kantor.fleet.edge.simulator.Fleet;
import dev.kantor.fleet.edge.simulator.FleetPlan;
import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.ReplicationProfile;
import dev.kantor.platform.SchemaGate;
import dev.kantor.platform.SchemaRegistryClient;
import dev.kantor.platform.TopologyApplier;
import dev.kantor.testsupport.FleetReference;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.topology.Topology;

/**
 * The packaged edge service against a real broker and registry (the local platform's, standing in for a vessel's
 * cluster): a simulated vessel's readings, re-sent copies included, are summarised per container and minute and
 * breaches alerted, and when the edge is killed with kill -9 while readings flow and restarted, and copies of readings
 * from around the kill are re-sent after it, every window is still emitted exactly once (read_committed), each equal
 * to the reference computed from the raw readings.
 */
class EdgeRestartIT {

    static final Duration WINDOW = Duration.ofMinutes(1);
    /** An application id of this run's own: a rerun on the same platform starts from nothing, not from the last run's stream time. */
    static final String APPLICATION = "fleet-edge-" + UUID.randomUUID().toString().substring(0, 8);
    static PackagedServices services;
    static KafkaTestClient kafka;

    @BeforeAll
    static void start() {
        Endpoints endpoints = dev.kantor.platform.LocalPlatform.fromEnvironment().ensureRunning();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            new TopologyApplier(admin, ReplicationProfile.forBrokers(1)).apply(Topology.vessel());
        }
        new SchemaGate(new SchemaRegistryClient(endpoints.registryUrl())).checkAndRegister(SchemaGate.subjects(Topology.vessel()));
        services = new PackagedServices(List.of("fleet-edge"), Map.of("quarkus.kafka-streams.application-id", APPLICATION));
        kafka = new KafkaTestClient(services.endpoints());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void everyWindowIsEmittedExactlyOnceThoughTheEdgeIsKilledMidWindow() throws Exception {
        String vessel = "edge-" + UUID.randomUUID().toString().substring(0, 8) + "-v";
        // Breaches more often than a real voyage, so that each cause shows up in ten minutes.
        FleetPlan plan = new FleetPlan(1, 12, 10, 0.03, 6, 0.01, 12, 0.05, 0.05);
        Fleet fleet = new Fleet(plan, 20261130L, vessel);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        List<ReeferReading> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        KafkaTestClient.Tail deadLetters = kafka.tail("fleet-edge.dlt");
        // A record no device writes: it goes to the dead letter topic, and the stream goes on.
        String poisonKey = vessel + "1-poison";
        kafka.sendRaw("reefer-readings", poisonKey, "not a reading".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
        int ticks = 60;
        List<List<ReeferReading>> byTick = new ArrayList<>();
        for (int tick = 0; tick < ticks; tick++) {
            List<ReeferReading> readings = new ArrayList<>();
            fleet.tick(t0.plusSeconds(10L * tick)).forEach(vesselTick -> readings.addAll(vesselTick.readings()));
            byTick.add(readings);
        }
        for (int tick = 0; tick < 30; tick++) {
            send(byTick.get(tick), sent);
        }
        kafka.flush();
        try (Committed early = new Committed("reefer-summaries")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> early.poll().stream().anyMatch(r -> r.key().startsWith(vessel)));
        }
        // The devices go on reporting while the edge is killed in the middle of it (and of its windows).
        java.util.concurrent.ExecutorService devices = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> reporting = devices.submit(() -> {
            for (int tick = 30; tick < ticks; tick++) {
                send(byTick.get(tick), sent);
                kafka.flush();
                try {
                    TimeUnit.MILLISECONDS.sleep(100); // the devices' pace, not a synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        await().atMost(Duration.ofMinutes(1)).until(() -> sent.size() > byTick.subList(0, 38).stream().mapToInt(List::size).sum());
        services.get("fleet-edge").kill();
        reporting.get(2, TimeUnit.MINUTES);
        devices.shutdown();
        services.restart("fleet-edge");
        // Copies of readings from around the kill, re-sent after the restart: the ids it had seen survive in its changelog.
        for (int tick = 34; tick < 42; tick++) {
            send(byTick.get(tick), sent);
        }
        // Every container's stream time moves past the last window's end plus grace: all of them close.
        Instant closing = t0.plusSeconds(10L * ticks).plus(Duration.ofMinutes(2));
        for (Fleet.Tick vesselTick : fleet.tick(closing)) {
            vesselTick.readings().forEach(r -> kafka.sendAsync("reefer-readings", r.getContainerId(), r));
        }
        kafka.flush();

        Map<String, FleetReference.Window> expected = FleetReference.windows(sent, WINDOW, t0.plusSeconds(10L * ticks));
        Map<String, BreachCause> expectedAlerts = new TreeMap<>();
        expected.forEach((id, w) -> {
            if (w.breach(30) != null) {
                expectedAlerts.put(id + "/" + w.breach(30), w.breach(30));
            }
        });
        EventDecoder decoder = new EventDecoder(services.endpoints().registryApiV2());
        Map<String, List<ReeferWindowSummary>> summaries = new TreeMap<>();
        Map<String, List<ColdChainAlert>> alerts = new TreeMap<>();
        try (Committed summaryTopic = new Committed("reefer-summaries"); Committed alertTopic = new Committed("reefer-alerts")) {
            Runnable drain = () -> {
                for (ConsumerRecord<String, byte[]> r : summaryTopic.poll()) {
                    if (r.key().startsWith(vessel)) {
                        ReeferWindowSummary s = decode(decoder, r, ReeferWindowSummary.class);
                        summaries.computeIfAbsent(s.getSummaryId(), k -> new ArrayList<>()).add(s);
                    }
                }
                for (ConsumerRecord<String, byte[]> r : alertTopic.poll()) {
                    if (r.key().startsWith(vessel)) {
                        ColdChainAlert a = decode(decoder, r, ColdChainAlert.class);
                        alerts.computeIfAbsent(a.getAlertId(), k -> new ArrayList<>()).add(a);
                    }
                }
            };
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                drain.run();
                return summaries.keySet().containsAll(expected.keySet()) && alerts.keySet().containsAll(expectedAlerts.keySet());
            });
            // Whatever else arrives meanwhile: a window emitted twice would be right behind the first.
            for (int i = 0; i < 4; i++) {
                drain.run();
            }
        }
        assertEquals(expected.keySet(), summaries.keySet(), "one summary for every closed window, and no other");
        summaries.forEach((id, copies) -> {
            assertEquals(1, copies.size(), id + " emitted exactly once: " + copies);
            ReeferWindowSummary s = copies.get(0);
            FleetReference.Window w = expected.get(id);
            assertEquals(java.util.Arrays.asList(w.readings(), w.min(), w.max(), w.mean(), w.secondsOutOfRange(), w.doorOpenSeconds(),
                            w.powerOffSeconds(), w.breach(30)),
                    java.util.Arrays.asList(s.getReadings(), s.getMinTemperature(), s.getMaxTemperature(), s.getMeanTemperature(),
                            s.getSecondsOutOfRange(), s.getDoorOpenSeconds(), s.getPowerOffSeconds(), s.getBreach()), id);
        });
        assertEquals(expectedAlerts.keySet(), alerts.keySet(), "one alert per breached window, by cause");
        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRaw(r -> poisonKey.equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
        deadLetters.close();
        assertEquals("not a reading", new String(dead.value(), java.nio.charset.StandardCharsets.UTF_8), "the record as it was");
        assertEquals("reefer-readings", KafkaTestClient.header(dead, "dead-letter-topic"));
        assertTrue(KafkaTestClient.header(dead, "dead-letter-reason").startsWith("undecodable"), KafkaTestClient.header(dead, "dead-letter-reason"));
        assertEquals(APPLICATION, KafkaTestClient.header(dead, "dead-letter-consumer-group"));
        alerts.forEach((id, copies) -> assertEquals(1, copies.size(), id + " raised once"));
        assertTrue(sent.size() > FleetReference.distinct(sent).size(), "the devices re-sent some readings");
        assertTrue(expectedAlerts.values().containsAll(List.of(BreachCause.POWER_OFF, BreachCause.DOOR_OPEN)),
                "the run had breaches of both causes: " + expectedAlerts.values());
        System.out.printf("edge restart: %d readings sent (%d distinct), %d windows, %d alerts %s%n", sent.size(),
                FleetReference.distinct(sent).size(), expected.size(), expectedAlerts.size(),
                expectedAlerts.values().stream().collect(java.util.stream.Collectors.groupingBy(c -> c, TreeMap::new, java.util.stream.Collectors.counting())));
    }

    private static void send(List<ReeferReading> readings, List<ReeferReading> sent) {
        for (ReeferReading reading : readings) {
            kafka.sendAsync("reefer-readings", reading.getContainerId(), reading);
            sent.add(reading);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(EventDecoder decoder, ConsumerRecord<String, byte[]> r,
            Class<T> type) {
        try {
            return decoder.decode(r.value(), type);
        } catch (EventDecoder.UndecodableEventException e) {
            throw new AssertionError(type.getSimpleName() + " at " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
        }
    }

    /** A read_committed reader of a whole topic from its beginning (committed transactions only, as shore would read). */
    static final class Committed implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;

        Committed(String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.endpoints().kafkaBootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        List<ConsumerRecord<String, byte[]>> poll() {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
