package dev.kantor.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.EventDecoder;
import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.FleetParts;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.testsupport.FleetReference;

/**
 * The fleet as {@code ./kantor up --fleet} runs it (vessel1's cluster behind its link, the simulator, the edge,
 * MirrorMaker 2 and its supervisor, two analytics instances ashore), through a link outage: black hole, with
 * MirrorMaker killed and started again while the link is still down, then resets. The containers keep reporting on
 * board; once the link is back and MirrorMaker has caught up, the shore holds every vessel summary and alert exactly
 * once (read_committed), each summary equals the window computed here from the vessel's raw readings, every mirrored
 * record's schema id names the right schema in the shore registry, and the analytics answer as the vessel's data says.
 * The outage lasts 75 s by default, longer than a window so that windows close while the link is down (CI keeps it
 * short); {@code -Dkantor.fleet.outage=PT10M} for a longer one.
 */
class FleetLinkLossIT {

    static final Duration OUTAGE = Duration.parse(System.getProperty("kantor.fleet.outage", "PT75S"));
    static final int CONTAINERS = 20;
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** The edge's grace before a window closes (kantor.fleet.edge.grace) and its breach threshold. */
    static final Duration GRACE = Duration.ofSeconds(30);
    static final int BREACH_SECONDS = 30;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path home;
    static LocalPlatform platform;
    static Endpoints shore;
    static String vessel;

    @BeforeAll
    static void start() {
        PlatformConfig config = PlatformConfig.from(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "22092",
                "KANTOR_REGISTRY_PORT", "22081", "KANTOR_POSTGRES_PORT", "22433", "KANTOR_CONTROL_PORT", "22990"), 1)
                .withFleet(1, 23092, CONTAINERS, 5);
        platform = new LocalPlatform(config);
        shore = platform.startDetached(false);
        vessel = "127.0.0.1:23092";
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.stop();
        }
    }

    static long linkBack;

    @Test
    void afterALinkOutageTheShoreHoldsEveryVesselRecordOnceAndTheAnalyticsAgreeWithTheVessel() throws Exception {
        await("every container's first window ashore and in the analytics").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> totals(8091).path("totals").path("containers").asInt() == CONTAINERS);

        try (Reader vesselReadings = new Reader(vessel, "reefer-readings");
             Reader ashoreSummaries = new Reader(shore.kafkaBootstrapServers(), FleetParts.VESSEL + ".reefer-summaries")) {
            long started = System.nanoTime();
            assertEquals("link-vessel1 BLACKHOLE", platform.link(FleetParts.VESSEL, "blackhole", 0).strip());
            await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - started > Duration.ofSeconds(15).toNanos());
            long ashoreDuringOutage = ashoreSummaries.endOffsets();
            long onBoardAtCut = vesselReadings.endOffsets();

            Duration blackHole = OUTAGE.multipliedBy(3).dividedBy(4);
            await("MirrorMaker killed a third into the outage").atMost(OUTAGE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> System.nanoTime() - started > blackHole.dividedBy(3).toNanos());
            platform.part("mirrormaker-vessel1", "kill");
            platform.part("mirrormaker-vessel1", "start");
            await("the black hole's end").atMost(OUTAGE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> System.nanoTime() - started > blackHole.toNanos());
            assertEquals("link-vessel1 RESET", platform.link(FleetParts.VESSEL, "down", 0).strip());
            await("the outage's end").atMost(OUTAGE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> System.nanoTime() - started > OUTAGE.toNanos());
            long onBoardAtReturn = vesselReadings.endOffsets();
            assertEquals(ashoreDuringOutage, ashoreSummaries.endOffsets(), "nothing crossed the link while it was down");
            assertTrue(onBoardAtReturn - onBoardAtCut >= (long) CONTAINERS * (OUTAGE.toSeconds() - 15) / 5 * 9 / 10,
                    "the containers kept reporting on board: " + (onBoardAtReturn - onBoardAtCut) + " readings during the outage");
            assertEquals("link-vessel1 UP", platform.link(FleetParts.VESSEL, "up", 0).strip());
            linkBack = System.nanoTime();
            System.out.printf("fleet link loss: %s cut, %d readings on board meanwhile; MirrorMaker killed and restarted during it%n",
                    OUTAGE, onBoardAtReturn - onBoardAtCut);
        }

        // The devices stop: what the edge closed by then is what the shore must hold.
        platform.part("simulator-vessel1", "stop");
        EventDecoder decoder = new EventDecoder(shore.registryApiV2());
        List<ReeferReading> raw = new ArrayList<>();
        try (Reader readings = new Reader(vessel, "reefer-readings")) {
            readings.drainTo(r -> raw.add(decode(decoder, r, ReeferReading.class)));
        }
        // A window closes when its partition's stream time passes its end plus the grace: windows starting at or
        // before the earliest partition's last reading minus both have closed everywhere.
        Map<Integer, Instant> lastPerPartition = new HashMap<>();
        // The edge's partitions are the readings' (keyed by container): the producer's partitioner, as the edge reads them.
        try (Reader readings = new Reader(vessel, "reefer-readings")) {
            readings.drainTo(r -> lastPerPartition.merge(r.partition(), decode(decoder, r, ReeferReading.class).getMeasuredAt(),
                    (a, b) -> a.isAfter(b) ? a : b));
        }
        Instant cut = lastPerPartition.values().stream().min(Instant::compareTo).orElseThrow().minus(WINDOW).minus(GRACE);
        Map<String, FleetReference.Window> expected = FleetReference.windows(raw, WINDOW, cut.plusMillis(1));

        Map<String, List<ReeferWindowSummary>> onBoard = new TreeMap<>();
        Map<String, List<ColdChainAlert>> alertsOnBoard = new TreeMap<>();
        await("the edge's summaries of every closed window").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            onBoard.clear();
            collect(vessel, "reefer-summaries", decoder, ReeferWindowSummary.class, ReeferWindowSummary::getSummaryId, onBoard);
            return onBoard.keySet().containsAll(expected.keySet());
        });
        collect(vessel, "reefer-alerts", decoder, ColdChainAlert.class, ColdChainAlert::getAlertId, alertsOnBoard);
        expected.forEach((id, w) -> {
            ReeferWindowSummary s = onBoard.get(id).get(0);
            assertEquals(Arrays.asList(w.readings(), w.min(), w.max(), w.mean(), w.secondsOutOfRange(), w.doorOpenSeconds(), w.powerOffSeconds(),
                    w.breach(BREACH_SECONDS)), Arrays.asList(s.getReadings(), s.getMinTemperature(), s.getMaxTemperature(), s.getMeanTemperature(),
                    s.getSecondsOutOfRange(), s.getDoorOpenSeconds(), s.getPowerOffSeconds(), s.getBreach()), id + " as the raw readings say");
        });
        expected.forEach((id, w) -> {
            if (w.breach(BREACH_SECONDS) != null) {
                assertTrue(alertsOnBoard.containsKey(id + "/" + w.breach(BREACH_SECONDS)), "the alert of " + id);
            }
        });

        Map<String, List<ReeferWindowSummary>> ashore = new TreeMap<>();
        Map<String, List<ColdChainAlert>> alertsAshore = new TreeMap<>();
        await("MirrorMaker's lag to zero").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            ashore.clear();
            alertsAshore.clear();
            collect(shore.kafkaBootstrapServers(), FleetParts.VESSEL + ".reefer-summaries", decoder, ReeferWindowSummary.class,
                    ReeferWindowSummary::getSummaryId, ashore);
            collect(shore.kafkaBootstrapServers(), FleetParts.VESSEL + ".reefer-alerts", decoder, ColdChainAlert.class,
                    ColdChainAlert::getAlertId, alertsAshore);
            return ashore.keySet().containsAll(onBoard.keySet()) && alertsAshore.keySet().containsAll(alertsOnBoard.keySet());
        });
        double catchUp = (System.nanoTime() - linkBack) / 1e9;
        onBoard.forEach((id, copies) -> assertEquals(1, copies.size(), id + " emitted once on board"));
        assertEquals(onBoard.keySet(), ashore.keySet(), "the shore holds the vessel's summaries, no other");
        ashore.forEach((id, copies) -> {
            assertEquals(1, copies.size(), id + " ashore exactly once");
            assertEquals(onBoard.get(id).get(0), copies.get(0), id + " ashore as on board");
        });
        assertEquals(alertsOnBoard.keySet(), alertsAshore.keySet(), "the shore holds the vessel's alerts, no other");
        alertsAshore.forEach((id, copies) -> assertEquals(1, copies.size(), id + " ashore exactly once"));
        assertEquals(Set.of("dev.kantor.fleet.events.ReeferWindowSummary"), schemaNames(FleetParts.VESSEL + ".reefer-summaries"),
                "every schema id on the shore's summaries names the summary's schema in the shore registry");
        // A run's devices may keep every cold chain (no alert at all): then the shore's alerts topic has no id to check.
        assertEquals(alertsAshore.isEmpty() ? Set.of() : Set.of("dev.kantor.fleet.events.ColdChainAlert"),
                schemaNames(FleetParts.VESSEL + ".reefer-alerts"));

        // The analytics, on either instance, as the vessel's own data says.
        Map<String, ReeferWindowSummary> latest = new TreeMap<>();
        onBoard.values().forEach(copies -> latest.merge(copies.get(0).getContainerId(), copies.get(0),
                (a, b) -> a.getWindowStart().isAfter(b.getWindowStart()) ? a : b));
        assertEquals(CONTAINERS, latest.size());
        long inBreach = latest.values().stream().filter(s -> s.getBreach() != null).count();
        Map<String, Integer> byCause = new TreeMap<>();
        alertsOnBoard.values().forEach(copies -> byCause.merge(copies.get(0).getCause().name(), 1, Integer::sum));
        await("the analytics to answer as the vessel's data says").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (int port : List.of(8091, FleetParts.SECOND_ANALYTICS_PORT)) {
                        JsonNode totals = totals(port);
                        assertEquals(CONTAINERS, totals.path("totals").path("containers").asInt(), totals.toString());
                        assertEquals(inBreach, totals.path("totals").path("inBreach").asLong(), totals.toString());
                        Map<String, Integer> answered = new TreeMap<>();
                        totals.path("breaches").path("byCause").fields().forEachRemaining(e -> answered.put(e.getKey(), e.getValue().asInt()));
                        assertEquals(byCause, answered, "breaches by cause from " + port);
                        assertTrue(totals.path("complete").asBoolean(), totals.toString());
                    }
                    for (ReeferWindowSummary s : latest.values()) {
                        JsonNode answer = get(8091, "/fleet/containers/" + s.getContainerId()).path("value");
                        assertEquals(s.getWindowStart().toString(), answer.path("windowStart").asText(), s.getContainerId());
                        assertEquals(0, s.getMeanTemperature().compareTo(new BigDecimal(answer.path("meanTemperature").asText())), s.getContainerId());
                        assertEquals(s.getBreach() == null ? "null" : s.getBreach().name(), answer.path("breach").asText(), s.getContainerId());
                    }
                });
        System.out.printf("fleet link loss: %d readings, %d windows checked against the raw readings (%d summaries on board, %d alerts %s);"
                + " every summary and alert ashore once, seen there %.1f s after the link came back%n", raw.size(), expected.size(),
                onBoard.size(), alertsOnBoard.size(), byCause, catchUp);
        assertTrue(expected.size() >= CONTAINERS * 2, "windows from before, during and after the outage: " + expected.size());
        Set<BreachCause> causes = new HashSet<>();
        alertsOnBoard.values().forEach(copies -> causes.add(copies.get(0).getCause()));
        System.out.println("fleet link loss: causes seen " + causes);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void collect(String bootstrap, String topic, EventDecoder decoder,
            Class<T> type, Function<T, String> id, Map<String, List<T>> into) {
        try (Reader reader = new Reader(bootstrap, topic)) {
            reader.drainTo(r -> {
                T event = decode(decoder, r, type);
                into.computeIfAbsent(id.apply(event), k -> new ArrayList<>()).add(event);
            });
        }
    }

    /** The full names of the schemas the records of a shore topic name by id, looked up in the shore registry. */
    private static Set<String> schemaNames(String topic) throws IOException, InterruptedException {
        Set<Integer> ids = new HashSet<>();
        try (Reader reader = new Reader(shore.kafkaBootstrapServers(), topic)) {
            reader.drainTo(r -> ids.add(java.nio.ByteBuffer.wrap(r.value(), 1, 4).getInt()));
        }
        Set<String> names = new HashSet<>();
        for (int id : ids) {
            HttpResponse<String> schema = HTTP.send(HttpRequest.newBuilder(URI.create(shore.registryUrl() + "/apis/ccompat/v7/schemas/ids/" + id))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, schema.statusCode(), "schema id " + id + " on " + topic + ": " + schema.body());
            JsonNode parsed = JSON.readTree(JSON.readTree(schema.body()).path("schema").asText());
            names.add(parsed.path("namespace").asText() + "." + parsed.path("name").asText());
        }
        return names;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(EventDecoder decoder, ConsumerRecord<String, byte[]> r, Class<T> type) {
        try {
            return decoder.decode(r.value(), type);
        } catch (EventDecoder.UndecodableEventException e) {
            throw new AssertionError(type.getSimpleName() + " at " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
        }
    }

    private static JsonNode totals(int port) throws IOException, InterruptedException {
        return get(port, "/fleet/totals");
    }

    private static JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** A read_committed reader of a whole topic, from its beginning to its end as of now. */
    static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<TopicPartition> partitions;

        Reader(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ByteArrayDeserializer());
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** The sum of the partitions' ends (read_committed: the last stable offsets). */
        long endOffsets() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        void drainTo(java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
