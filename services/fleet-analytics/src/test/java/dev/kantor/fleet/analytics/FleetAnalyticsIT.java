package dev.kantor.fleet.analytics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferWindowSummary;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.SchemaGate;
import dev.kantor.platform.SchemaRegistryClient;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.Browser;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.testsupport.SseClient;
import dev.kantor.topology.Topology;

/**
 * Two packaged analytics instances on the local platform's broker and registry, reading two vessels' topics as
 * MirrorMaker 2 lands them ({@code <vessel>.reefer-summaries}, records as the vessel's edge wrote them): any key is
 * answered by either instance (routed to its owner by host and port), the fleet's totals are gathered from both,
 * and when one instance is killed the other keeps answering every key (from its standby copies, marked stale);
 * restarted with its state wiped, the killed one restores from the changelogs and answers as before. Every answer is
 * checked against a reference computed from the records sent.
 */
class FleetAnalyticsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String RUN = "ia" + UUID.randomUUID().toString().substring(0, 6);
    static PackagedServices services;
    static KafkaTestClient kafka;
    static ServicePart second;

    @BeforeAll
    static void start() throws Exception {
        Endpoints endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        new SchemaGate(new SchemaRegistryClient(endpoints.registryUrl())).checkAndRegister(SchemaGate.subjects(Topology.vessel()));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String vessel : List.of(RUN + "v1", RUN + "v2", RUN + "v9")) {
                topics.add(new NewTopic(vessel + ".reefer-summaries", 3, (short) 1));
                topics.add(new NewTopic(vessel + ".reefer-alerts", 3, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
        // This run's vessels only, under an application id of its own: earlier runs on the same platform stay out.
        services = new PackagedServices(List.of("fleet-analytics"), Map.of("kantor.fleet.analytics.vessels", RUN + "v[0-9]+",
                "quarkus.kafka-streams.application-id", "fleet-analytics-" + RUN));
        second = services.addCanary("fleet-analytics");
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
    void eitherInstanceAnswersEveryKeyAndTheFleetTotalsEvenWhenOneDies() throws Exception {
        // Two vessels of 12 containers, three windows each; the last window of a container decides its status.
        Random random = new Random(11);
        Map<String, ReeferWindowSummary> latest = new TreeMap<>();
        Map<String, Map<String, Long>> causes = new TreeMap<>();
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        String a = services.url("fleet-analytics");
        String b = "http://127.0.0.1:" + second.port();
        // The live feed reads from the newest record: probe alerts (vessel 9) until one comes through, then the load.
        SseClient live = new SseClient(URI.create(a + "/fleet/alerts/stream"));
        AtomicInteger probes = new AtomicInteger();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            ReeferWindowSummary probe = summary(RUN + "v9", RUN + "v9-probe", Product.PHARMA, t0.plusSeconds(60L * probes.getAndIncrement()), BreachCause.UNEXPLAINED);
            kafka.sendRaw(RUN + "v9.reefer-alerts", probe.getContainerId(), kafka.encode("reefer-alerts", alert(probe, BreachCause.UNEXPLAINED)), Map.of());
            return live.events().stream().anyMatch(e -> e.data().contains(RUN + "v9-probe"));
        });
        causes.put(RUN + "v9", new TreeMap<>(Map.of("UNEXPLAINED", (long) probes.get())));
        Product[] products = {Product.BANANAS, Product.FROZEN_FISH, Product.PHARMA};
        for (String vessel : List.of(RUN + "v1", RUN + "v2")) {
            for (int c = 0; c < 12; c++) {
                String container = vessel + "-c" + c;
                for (int w = 0; w < 3; w++) {
                    BreachCause breach = random.nextInt(4) == 0 ? BreachCause.values()[random.nextInt(3)] : null;
                    ReeferWindowSummary summary = summary(vessel, container, products[c % 3], t0.plusSeconds(60L * w), breach);
                    kafka.sendRaw(vessel + ".reefer-summaries", container, kafka.encode("reefer-summaries", summary), Map.of());
                    latest.put(container, summary);
                    if (breach != null) {
                        ColdChainAlert alert = alert(summary, breach);
                        // Mirrored twice (a MirrorMaker restart before its offsets were committed): counted once.
                        for (int copy = 0; copy < 2; copy++) {
                            kafka.sendRaw(vessel + ".reefer-alerts", container, kafka.encode("reefer-alerts", alert), Map.of());
                        }
                        causes.computeIfAbsent(vessel, v -> new TreeMap<>()).merge(breach.name(), 1L, Long::sum);
                    }
                }
            }
        }
        long inBreach = latest.values().stream().filter(s -> s.getBreach() != null).count();
        // Every alert once on the live feed, though each was mirrored twice.
        java.util.Set<String> alertIds = new java.util.TreeSet<>();
        await().atMost(Duration.ofMinutes(1)).until(() -> live.events().stream().filter(e -> !e.data().contains("-probe")).count()
                >= causes.entrySet().stream().filter(e -> !e.getKey().endsWith("v9")).mapToLong(e -> e.getValue().values().stream()
                        .mapToLong(Long::longValue).sum()).sum());
        for (SseClient.Event event : live.events()) {
            assertTrue(alertIds.add(JSON.readTree(event.data()).get("alertId").asText()), "each alert once on the live feed: " + event.data());
        }
        live.close();

        Map<String, Long> allCauses = new TreeMap<>();
        causes.values().forEach(m -> m.forEach((cause, n) -> allCauses.merge(cause, n, Long::sum)));
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> {
            JsonNode totals = get(a + "/fleet/totals");
            return totals.get("complete").asBoolean() && totals.get("totals").get("containers").asLong() == latest.size()
                    && totals.get("totals").get("inBreach").asLong() == inBreach
                    && allCauses.equals(counts(totals.get("breaches").get("byCause")));
        });
        JsonNode totals = get(b + "/fleet/totals");
        assertEquals(2, totals.get("instances").size(), "both instances' shares: " + totals);
        assertEquals(allCauses, counts(totals.get("breaches").get("byCause")), "breaches by cause, each alert once, from either instance");

        Map<String, AtomicInteger> servedBy = new HashMap<>();
        for (String instance : List.of(a, b)) {
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
                for (ReeferWindowSummary expected : latest.values()) {
                    checkContainer(get(instance + "/fleet/containers/" + expected.getContainerId()), expected, servedBy);
                }
                return true;
            });
            for (String vessel : causes.keySet()) {
                if (vessel.endsWith("v9")) {
                    continue; // alerts only (the feed's probes), no summaries
                }
                JsonNode answer = get(instance + "/fleet/vessels/" + vessel);
                assertEquals(12, answer.get("value").get("containers").asLong(), answer.toString());
                assertEquals(latest.values().stream().filter(s -> s.getVesselId().equals(vessel) && s.getBreach() != null).count(),
                        answer.get("value").get("inBreach").asLong(), answer.toString());
                assertEquals(causes.get(vessel), counts(answer.get("breaches").get("value").get("byCause")), answer.toString());
            }
            JsonNode bananas = get(instance + "/fleet/products/BANANAS");
            assertEquals(8, bananas.get("value").get("containers").asLong(), bananas.toString());
        }
        assertEquals(2, servedBy.size(), "keys live on both instances, and each forwards to the other: " + servedBy);

        // One instance dies; the other answers every key at once, from its standby copies until it owns them all.
        second.kill();
        AtomicInteger stale = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        do {
            for (ReeferWindowSummary expected : latest.values()) {
                JsonNode answer = get(a + "/fleet/containers/" + expected.getContainerId());
                checkContainer(answer, expected, new HashMap<>());
                if (answer.get("stale").asBoolean()) {
                    stale.incrementAndGet();
                }
            }
        } while (stale.get() == 0 && System.nanoTime() < deadline);
        assertTrue(stale.get() > 0, "answers from the standby copies say they are");
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> get(a + "/fleet/totals").get("totals").get("containers").asLong()
                == latest.size() && get(a + "/fleet/totals").get("instances").size() == 1);

        // Back with its state wiped: it restores from the changelogs and answers as before.
        Path state = ServicePart.jar("fleet-analytics").getParent().resolve("kafka-streams-state-" + second.port());
        assertTrue(Files.isDirectory(state), "the killed instance's state is at " + state);
        try (var files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue(!Files.exists(state), "wiped");
        second.start();
        second.awaitHealthy(Duration.ofMinutes(3));
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> {
            JsonNode both = get(b + "/fleet/totals");
            return both.get("complete").asBoolean() && both.get("instances").size() == 2
                    && both.get("totals").get("containers").asLong() == latest.size() && both.get("totals").get("inBreach").asLong() == inBreach;
        });
        for (ReeferWindowSummary expected : latest.values()) {
            checkContainer(get(b + "/fleet/containers/" + expected.getContainerId()), expected, new HashMap<>());
        }

        thePageShowsTheFleetAndAlertsLive(b, latest, inBreach, allCauses, t0);
    }

    /**
     * The analytics' own page in Chromium, from either instance: the fleet's figures and every vessel's row as the
     * queries answer them, a container looked up (and one that does not exist), and a new alert arriving live.
     */
    private static void thePageShowsTheFleetAndAlertsLive(String base, Map<String, ReeferWindowSummary> latest, long inBreach,
            Map<String, Long> allCauses, Instant t0) {
        Browser.ensureInstalled();
        Duration wait = Duration.ofSeconds(30);
        try (Browser browser = Browser.start()) {
            browser.open(base + "/");
            browser.awaitText("#containers", Long.toString(latest.size())::equals, wait);
            browser.awaitText("#in-breach", Long.toString(inBreach)::equals, wait);
            String causes = browser.awaitText("#causes", t -> !t.contains("…"), wait);
            allCauses.forEach((cause, n) -> assertTrue(causes.contains(cause.toLowerCase().replace('_', ' ') + " " + n), causes));
            for (String vessel : List.of(RUN + "v1", RUN + "v2")) {
                String row = browser.awaitText("#vessels tr[data-vessel='" + vessel + "']", t -> !t.isBlank(), wait);
                long breached = latest.values().stream().filter(s -> s.getVesselId().equals(vessel) && s.getBreach() != null).count();
                assertEquals(vessel + " 12 " + breached, row.replaceAll("\\s+", " ").strip(), "the vessel's row");
            }
            assertTrue(!browser.present("#incomplete") || browser.text("#incomplete").isBlank(), "both instances answered");

            ReeferWindowSummary looked = latest.values().iterator().next();
            browser.type("#lookup-input", looked.getContainerId());
            browser.click("#lookup-button");
            browser.awaitText("#lookup-result", t -> t.startsWith(looked.getContainerId())
                    && t.contains(looked.getBreach() == null ? "cold chain held" : "BREACH"), wait);
            browser.type("#lookup-input", RUN + "-no-such-container");
            browser.click("#lookup-button");
            browser.awaitText("#lookup-result", t -> t.contains(RUN + "-no-such-container"), wait);

            // The feed sends what arrives after the page subscribed: alerts until one shows (each a new window).
            browser.awaitText("#alerts-state", t -> t.startsWith("Waiting"), wait);
            AtomicInteger sent = new AtomicInteger();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                ReeferWindowSummary window = summary(RUN + "v1", RUN + "v1-page", Product.FLOWERS,
                        t0.plus(Duration.ofHours(1)).plusSeconds(60L * sent.getAndIncrement()), BreachCause.POWER_OFF);
                kafka.sendRaw(RUN + "v1.reefer-alerts", window.getContainerId(), kafka.encode("reefer-alerts", alert(window, BreachCause.POWER_OFF)),
                        Map.of());
                return browser.text("#alerts").contains(RUN + "v1-page on " + RUN + "v1 (flowers): power off");
            });
        }
    }

    private static void checkContainer(JsonNode answer, ReeferWindowSummary expected, Map<String, AtomicInteger> servedBy) {
        JsonNode value = answer.get("value");
        assertEquals(expected.getWindowStart().toString(), value.get("windowStart").asText(), answer.toString());
        assertEquals(0, expected.getMeanTemperature().compareTo(new BigDecimal(value.get("meanTemperature").asText())), answer.toString());
        assertEquals(expected.getBreach() == null ? "null" : expected.getBreach().name(), value.get("breach").asText(), answer.toString());
        servedBy.computeIfAbsent(answer.get("servedBy").asText(), s -> new AtomicInteger()).incrementAndGet();
    }

    private static Map<String, Long> counts(JsonNode byCause) {
        Map<String, Long> counts = new TreeMap<>();
        byCause.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    static ReeferWindowSummary summary(String vessel, String container, Product product, Instant start, BreachCause breach) {
        BigDecimal mean = new BigDecimal(breach == null ? "13.30" : "16.10");
        return ReeferWindowSummary.newBuilder().setSummaryId(container + "/" + start).setVesselId(vessel).setContainerId(container)
                .setProduct(product).setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setReadings(6)
                .setMinTemperature(mean).setMaxTemperature(mean).setMeanTemperature(mean.add(BigDecimal.valueOf(start.getEpochSecond() % 7, 2)))
                .setSetPoint(new BigDecimal("13.30")).setSecondsOutOfRange(breach == null ? 0 : 60).setDoorOpenSeconds(0)
                .setPowerOffSeconds(0).setBreach(breach).build();
    }

    static ColdChainAlert alert(ReeferWindowSummary s, BreachCause cause) {
        return ColdChainAlert.newBuilder().setAlertId(s.getSummaryId() + "/" + cause).setVesselId(s.getVesselId()).setContainerId(s.getContainerId())
                .setProduct(s.getProduct()).setCause(cause).setWindowStart(s.getWindowStart()).setWindowEnd(s.getWindowEnd())
                .setSecondsOutOfRange(60).setWorstDeviation(new BigDecimal("2.80")).setDetail("test").build();
    }
}
