package dev.kantor.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kantor.events.RejectionReason;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.ManagedProcess;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.testsupport.ReleasedBuild;

/**
 * Contract v2 (exchanges at a firm quote) rolled out under load the way the white paper orders it, on a platform of
 * its own that starts as the v1 release deployed it: v1's launcher (its schema gate registered v1 of every event),
 * and every service built from v1's commit. Then, while a v1 producer writes deposits by the registry's version 1
 * throughout: v2 is registered (this checkout's gate, the command operators run); the consumer (transaction) is
 * rolled to v2 by blue/green; the producer (gateway) gets a v2 canary beside the v1 instance, which quotes and sends
 * v2 requests while the v1 instance sends unquoted ones; then the v1 gateway leaves. Every request of either version
 * has exactly one outcome, v2 requests honour their quotes, v1 requests are decided as before, the wallets (still
 * the v1 build, an old reader of v2 outcomes) match the model, and the audit is clean.
 */
class ContractRolloutIT {

    @TempDir
    static Path home;
    static LocalPlatform platform;
    static Path v1;
    static Scenario scenario;

    @BeforeAll
    static void start() {
        v1 = ReleasedBuild.CONTRACTS_V1.build("account", "transaction", "wallet", "rate", "gateway");
        platform = new LocalPlatform(PlatformConfig.from(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "26092",
                "KANTOR_REGISTRY_PORT", "26081", "KANTOR_POSTGRES_PORT", "26433", "KANTOR_CONTROL_PORT", "26990"), 1));
        platform.startDetached(false, v1);
        PackagedServices services = new PackagedServices(platform, List.of());
        for (String name : List.of("account", "rate", "transaction", "wallet", "gateway")) {
            services.startBuild(name, v1);
        }
        // A platform of its own: the audit covers every user on it.
        scenario = new Scenario(services, "");
    }

    @AfterAll
    static void stop() {
        if (scenario != null) {
            scenario.close();
        }
        if (platform != null) {
            platform.stop();
        }
    }

    /** An exchange through a gateway, and the quote it carried (none from the v1 gateway). */
    record Exchange(String transactionId, Optional<JsonNode> quote, BigDecimal tolerance) {
    }

    @Test
    void contractV2RollsOutUnderLoadWhileAV1ProducerWritesThroughout() throws Exception {
        PackagedServices services = scenario.services();
        KafkaTestClient kafka = scenario.kafka();
        assertEquals(1, versions("transaction-requests").size(), "the v1 release registered v1 only");

        URI v1Gateway = URI.create(services.url("gateway"));
        Workload workload = new Workload(kafka);
        workload.v1Every = 1;
        // The v1 world has no canonical schemas for this checkout's producers: accounts are opened as users open them.
        workload.openAccountsThroughGateway(v1Gateway, 20);
        List<GatewayClient> traders = new ArrayList<>();
        List<String> traderAccounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            GatewayClient trader = GatewayClient.signIn(v1Gateway, Scenario.USERS + "trader-" + i);
            String account = trader.openAccount("EUR", "Rollout trader " + i);
            trader.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "100000.00", "currency", "EUR"),
                    UUID.randomUUID().toString(), 202);
            traders.add(trader);
            traderAccounts.add(account);
        }

        Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<URI> canary = new AtomicReference<>();
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(2);
        java.util.concurrent.atomic.AtomicBoolean v1Trading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
        // Unquoted exchanges through the v1 gateway for as long as it serves.
        clients.scheduleWithFixedDelay(() -> guarded(failure, () -> {
            if (v1Trading.get()) {
                int i = turn.incrementAndGet() % traders.size();
                Exchange exchange = exchange(traders.get(i), traderAccounts.get(i), Optional.empty());
                exchanges.put(exchange.transactionId(), exchange);
            }
        }), 0, 200, TimeUnit.MILLISECONDS);
        // Quoted exchanges through the v2 canary once it serves.
        List<GatewayClient> canaryTraders = new java.util.concurrent.CopyOnWriteArrayList<>();
        clients.scheduleWithFixedDelay(() -> guarded(failure, () -> {
            if (canary.get() != null) {
                if (canaryTraders.isEmpty()) {
                    for (int i = 0; i < traders.size(); i++) {
                        canaryTraders.add(GatewayClient.signIn(canary.get(), Scenario.USERS + "trader-" + i));
                    }
                }
                int i = turn.incrementAndGet() % traders.size();
                Exchange exchange = exchange(canaryTraders.get(i), traderAccounts.get(i), Optional.of(canaryTraders.get(i)));
                exchanges.put(exchange.transactionId(), exchange);
            }
        }), 0, 200, TimeUnit.MILLISECONDS);

        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            scenario.underLoadThroughout("contract v2 rolled out (v2 registered, transaction blue/green, gateway canary) beside a v1 producer",
                    workload, disturbance -> disturbance.schedule(() -> {
                        phases.add(registerV2());
                        // Blue/green: v1 stops, then v2 starts and catches up on what queued meanwhile.
                        services.get("transaction").stop();
                        services.replace("transaction");
                        phases.add("transaction v2");
                        canary.set(URI.create("http://127.0.0.1:" + services.addCanary("gateway").port()));
                        phases.add("gateway v2 canary");
                        // Both gateways take requests for a while, then v1's leaves: its clients stop, then it does.
                        awaitQuoted(exchanges, 20, failure);
                        v1Trading.set(false);
                        services.get("gateway").stop();
                        phases.add("gateway v1 gone");
                        awaitQuoted(exchanges, 30, failure);
                    }, 3, TimeUnit.SECONDS));
            clients.shutdown();
            assertTrue(clients.awaitTermination(1, TimeUnit.MINUTES));
            assertEquals(null, failure.get(), "every exchange was accepted by a gateway");
            assertEquals(List.of("v2 registered", "transaction v2", "gateway v2 canary", "gateway v1 gone"), phases);
            assertEquals(workload.sent.size(), workload.sentAsV1.size(), "every deposit was written by the v1 producer");

            outcomes.awaitAll(exchanges.keySet(), Scenario.RECOVERY);
            checkExchanges(exchanges, outcomes);
        }
        // Version 1 as v1's gate registered it, then v1 in canonical form and v2 from this checkout's gate.
        int latest = versions("transaction-requests").size();
        assertEquals(null, kafka.registered("transaction-requests", 1).schema().getField("quoteId"), "version 1 is v1");
        assertNotNull(kafka.registered("transaction-requests", latest).schema().getField("quoteId"), "the latest is v2");
    }

    /** The decisions: each honours its quote, or refuses it naming both rates; an unquoted one is never RATE_MOVED. */
    private static void checkExchanges(Map<String, Exchange> exchanges, OutcomeCollector outcomes) {
        int quoted = 0;
        int honoured = 0;
        int unquoted = 0;
        for (Exchange exchange : exchanges.values()) {
            OutcomeCollector.Outcome outcome = outcomes.outcome(exchange.transactionId());
            assertEquals(1, outcome.eventIds.size(), exchange + " decided once");
            if (exchange.quote().isEmpty()) {
                unquoted++;
                if (outcome.event instanceof TransactionApproved approved) {
                    assertEquals(null, approved.getQuoteId(), exchange.toString());
                } else {
                    TransactionRejected rejected = (TransactionRejected) outcome.event;
                    assertTrue(rejected.getReason() != RejectionReason.RATE_MOVED, exchange + ": " + rejected);
                }
                continue;
            }
            quoted++;
            JsonNode quote = exchange.quote().get();
            BigDecimal quotedRate = new BigDecimal(quote.get("rate").asText());
            if (outcome.event instanceof TransactionApproved approved) {
                honoured++;
                assertEquals(quote.get("quoteId").asText(), approved.getQuoteId(), "the approval names the quote it honoured");
                assertEquals(0, quotedRate.compareTo(approved.getQuotedRate()), exchange.toString());
                BigDecimal floor = quotedRate.multiply(BigDecimal.ONE.subtract(exchange.tolerance()));
                assertTrue(approved.getRate().compareTo(floor) >= 0, "rate " + approved.getRate() + " below the quote's floor " + floor);
            } else {
                TransactionRejected rejected = (TransactionRejected) outcome.event;
                assertEquals(RejectionReason.RATE_MOVED, rejected.getReason(), exchange + ": " + rejected);
                assertTrue(rejected.getDetail().contains(quotedRate.stripTrailingZeros().toPlainString()), rejected.getDetail());
            }
        }
        System.out.printf("rollout exchanges: %d unquoted (v1 gateway), %d quoted (v2 canary), %d of them honoured%n", unquoted, quoted, honoured);
        assertTrue(unquoted > 0 && honoured > 0, unquoted + " unquoted, " + honoured + " honoured of " + quoted + " quoted");
    }

    /** One EUR to USD exchange, at a quote fetched just before when the client is the v2 canary's. */
    private static Exchange exchange(GatewayClient client, String account, Optional<GatewayClient> quoting) {
        BigDecimal amount = new BigDecimal("10.00");
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("accountId", account, "kind", "EXCHANGE",
                "amount", amount.toPlainString(), "currency", "EUR", "targetCurrency", "USD"));
        Optional<JsonNode> quote = Optional.empty();
        BigDecimal tolerance = new BigDecimal("0.0005");
        if (quoting.isPresent()) {
            quote = Optional.of(quoting.get().get("/api/quotes?from=EUR&to=USD&amount=" + amount.toPlainString(), 200));
            body.put("quoteId", quote.get().get("quoteId").asText());
            body.put("tolerance", tolerance.toPlainString());
        }
        String id = client.transactUntilAccepted(body, UUID.randomUUID().toString(), Duration.ofSeconds(60)).get("transactionId").asText();
        return new Exchange(id, quote, tolerance.setScale(4, RoundingMode.UNNECESSARY));
    }

    private static void awaitQuoted(Map<String, Exchange> exchanges, int count, AtomicReference<Throwable> failure) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> failure.get() != null || exchanges.values().stream().filter(e -> e.quote().isPresent()).count() >= count);
    }

    private static void guarded(AtomicReference<Throwable> failure, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Registers v2 as operators do before any v2 build runs: this checkout's launcher, `kantor schemas --registry`. */
    private static String registerV2() {
        try {
            Path root = PlatformConfig.projectRoot();
            Process process = new ProcessBuilder(ManagedProcess.javaExecutable(), "-Xmx256m", "-Dkantor.project.root=" + root, "-jar",
                    root.resolve("platform/target/kantor-platform.jar").toString(), "schemas", "--registry",
                    scenario.services().endpoints().registryUrl()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0, output);
            return "v2 registered";
        } catch (Exception e) {
            throw new IllegalStateException("registering v2", e);
        }
    }

    private static List<JsonNode> versions(String topic) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(
                    scenario.services().endpoints().registryApiV2() + "/groups/default/artifacts/" + topic + "-value/versions")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            List<JsonNode> versions = new ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("versions").forEach(versions::add);
            return versions;
        } catch (Exception e) {
            throw new IllegalStateException("the versions of " + topic, e);
        }
    }
}
