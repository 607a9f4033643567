package dev.kantor.benchmarks;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ReplicationProfile;
import dev.kantor.platform.SchemaGate;
import dev.kantor.platform.SchemaRegistryClient;
import dev.kantor.platform.ServicePart;
import dev.kantor.platform.TopologyApplier;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.topology.Topology;

/**
 * The reefer fleet's figures on this machine: readings per second the packaged edge sustains (it starts under an
 * application id of its own after {@code --readings N} readings were written, and the figure is records read per
 * second until its committed offsets reach the topic's end), and the analytics' query latency, p50 and p99, for keys
 * answered by the instance asked and for keys forwarded to the other one ({@code --queries Q} over
 * {@code --containers C} containers' statuses). Writes benchmarks/results/fleet-*.tsv.
 */
public final class FleetBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        int readings = Integer.parseInt(options.getOrDefault("readings", "200000"));
        int containers = Integer.parseInt(options.getOrDefault("containers", "1000"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "5000"));
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            new TopologyApplier(admin, ReplicationProfile.forBrokers(1)).apply(Topology.vessel());
        }
        new SchemaGate(new SchemaRegistryClient(endpoints.registryUrl())).checkAndRegister(SchemaGate.subjects(Topology.vessel()));
        String run = "fb" + UUID.randomUUID().toString().substring(0, 6);
        List<String> lines = new ArrayList<>();
        lines.add(String.format("# fleet benchmark, %s, %d cores, %s", Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        try (KafkaTestClient kafka = new KafkaTestClient(endpoints)) {
            lines.add("edge: readings_read\tseconds\treadings_per_s\trss_mb");
            lines.add(edge(endpoints, kafka, run, readings));
            lines.add("analytics: containers\tqueries\tlocal_p50_ms\tlocal_p99_ms\tforwarded_p50_ms\tforwarded_p99_ms");
            lines.add(analytics(endpoints, kafka, run, containers, queries));
        }
        lines.forEach(System.out::println);
        Results.write("fleet", lines);
        System.exit(0);
    }

    private static String edge(Endpoints endpoints, KafkaTestClient kafka, String run, int readings) throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(1));
        Random random = new Random(7);
        for (int i = 0; i < readings; i++) {
            int container = i % 500;
            kafka.sendAsync("reefer-readings", run + "-c" + container, ReeferReading.newBuilder().setReadingId(run + "-c" + container + "/" + i / 500)
                    .setVesselId(run).setContainerId(run + "-c" + container).setProduct(Product.BANANAS).setSequence(i / 500)
                    .setMeasuredAt(t0.plusSeconds(10L * (i / 500))).setIntervalSeconds(10)
                    .setTemperature(BigDecimal.valueOf(1330 + random.nextInt(40) - 20, 2)).setSetPoint(new BigDecimal("13.30"))
                    .setDoorOpen(false).setPowerOn(true).setLatitude(new BigDecimal("51.900000")).setLongitude(new BigDecimal("4.480000")).build());
        }
        kafka.flush();
        long total = kafka.endOffsets("reefer-readings").values().stream().mapToLong(Long::longValue).sum();
        String group = "fleet-edge-" + run;
        int port = Ports.any();
        ServicePart edge = new ServicePart("fleet-edge", port, endpoints,
                PlatformConfig.projectRoot().resolve("benchmarks/results/fleet-edge-" + port + ".log"),
                Map.of("quarkus.kafka-streams.application-id", group));
        long started = System.nanoTime();
        OwnServices.start(edge);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            while (committed(admin, group) < total) {
                if (System.nanoTime() - started > Duration.ofMinutes(20).toNanos()) {
                    throw new IllegalStateException("the edge did not catch up in 20 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(200); // polling progress, at 200 ms resolution
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return String.format("%d\t%.1f\t%.0f\t%d", total, seconds, total / seconds, Results.rssMb(edge));
        } finally {
            edge.stop();
        }
    }

    private static long committed(Admin admin, String group) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals("reefer-readings") && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception notYet) {
            return 0;
        }
    }

    private static String analytics(Endpoints endpoints, KafkaTestClient kafka, String run, int containers, int queries) throws Exception {
        String vessel = run + "v1";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(vessel + ".reefer-summaries", 3, (short) 1), new NewTopic(vessel + ".reefer-alerts", 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> config = Map.of("quarkus.kafka-streams.application-id", "fleet-analytics-" + run,
                "kantor.fleet.analytics.vessels", vessel);
        List<ServicePart> instances = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int port = Ports.any();
            ServicePart instance = new ServicePart("fleet-analytics", port, endpoints,
                    PlatformConfig.projectRoot().resolve("benchmarks/results/fleet-analytics-" + port + ".log"), config);
            instances.add(OwnServices.start(instance));
        }
        try {
            for (ServicePart instance : instances) {
                instance.awaitHealthy(Duration.ofMinutes(3));
            }
            Instant start = Instant.parse("2026-11-30T12:00:00Z");
            for (int c = 0; c < containers; c++) {
                ReeferWindowSummary summary = ReeferWindowSummary.newBuilder().setSummaryId(vessel + "-c" + c + "/" + start).setVesselId(vessel)
                        .setContainerId(vessel + "-c" + c).setProduct(Product.PHARMA).setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                        .setReadings(6).setMinTemperature(new BigDecimal("4.90")).setMaxTemperature(new BigDecimal("5.10"))
                        .setMeanTemperature(new BigDecimal("5.00")).setSetPoint(new BigDecimal("5.00")).setSecondsOutOfRange(0)
                        .setDoorOpenSeconds(0).setPowerOffSeconds(0).build();
                kafka.sendRaw(vessel + ".reefer-summaries", summary.getContainerId(), kafka.encode("reefer-summaries", summary), Map.of());
            }
            HttpClient http = HttpClient.newHttpClient();
            String asked = "127.0.0.1:" + instances.get(0).port();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (true) {
                JsonNode totals = get(http, "http://" + asked + "/fleet/totals");
                if (totals != null && totals.get("complete").asBoolean() && totals.get("totals").get("containers").asLong() == containers) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the analytics did not hold every container in 3 minutes: " + totals);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            List<Double> local = new ArrayList<>();
            List<Double> forwarded = new ArrayList<>();
            Random random = new Random(3);
            for (int q = 0; q < queries; q++) {
                String key = vessel + "-c" + random.nextInt(containers);
                long sent = System.nanoTime();
                JsonNode answer = get(http, "http://" + asked + "/fleet/containers/" + key);
                double ms = (System.nanoTime() - sent) / 1e6;
                (answer.get("servedBy").asText().equals(asked) ? local : forwarded).add(ms);
            }
            return String.format("%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f", containers, queries, percentile(local, 50), percentile(local, 99),
                    percentile(forwarded, 50), percentile(forwarded, 99));
        } finally {
            instances.forEach(ServicePart::stop);
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
