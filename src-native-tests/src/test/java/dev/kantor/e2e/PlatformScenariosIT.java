package dev.kantor.e2e;

import static dev.kantor.testsupport.KafkaTestClient.header;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.AuditReport;
import dev.kantor.topology.Services;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.testsupport.SseClient;

/**
 * The seeds' promises, as an operator sees them, against every packaged service at once: a service stopped or
 * killed under steady load catches up with nothing lost and nothing applied twice; poison in every consumed topic
 * ends in the DLTs while everything goes on; a flood of old records changes nothing. Each scenario writes a row of
 * target/e2e-summary.tsv. -Dkantor.e2e.scale=N multiplies the load for the longer mode.
 */
class PlatformScenariosIT {

    static final int SCALE = Scenario.SCALE;
    static final Duration RECOVERY = Scenario.RECOVERY;
    static PackagedServices services;
    static KafkaTestClient kafka;
    static Scenario scenario;
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @BeforeAll
    static void start() {
        scenario = new Scenario(new PackagedServices());
        services = scenario.services();
        kafka = scenario.kafka();
    }

    @AfterAll
    static void stop() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void theTransactionServiceStoppedUnderLoadCatchesUp() throws Exception {
        scenario.underLoad("transaction stopped and restarted", disturbance -> {
            disturbance.schedule(() -> services.get("transaction").stop(), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.restart("transaction"), 6, TimeUnit.SECONDS);
        });
    }

    @Test
    void theWalletServiceStoppedUnderLoadCatchesUp() throws Exception {
        scenario.underLoad("wallet stopped and restarted", disturbance -> {
            disturbance.schedule(() -> services.get("wallet").stop(), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.restart("wallet"), 6, TimeUnit.SECONDS);
        });
    }

    @Test
    void everyServiceKilledRepeatedlyUnderLoadLosesNothing() throws Exception {
        List<String> all = List.copyOf(Services.PORTS.keySet());
        Workload workload = scenario.underLoad("every service kill -9 loop (twice each)", disturbance -> {
            for (int second : new int[] {2, 6}) {
                disturbance.schedule(() -> {
                    all.forEach(name -> services.get(name).kill());
                    all.forEach(services::restart);
                }, second, TimeUnit.SECONDS);
            }
        });
        // The gateway's own view caught up too: its owners see their outcomes.
        List<Workload.Deposit> sample = workload.sent.values().stream().limit(20).toList();
        for (Workload.Deposit deposit : sample) {
            GatewayClient owner = GatewayClient.signIn(URI.create(services.url("gateway")), deposit.user());
            // 404 until the gateway has the outcome (these deposits bypassed it on their way in).
            await().atMost(RECOVERY).ignoreExceptions().until(() -> "APPROVED".equals(owner.get("/api/transactions/" + deposit.transactionId(), 200)
                    .path("status").asText()));
        }
    }

    @Test
    void postgresRestartedAndTheRegistryDownUnderLoadLoseNothing() throws Exception {
        dev.kantor.platform.LocalPlatform platform = dev.kantor.platform.LocalPlatform.fromEnvironment();
        scenario.underLoad("postgres restarted, registry down 4 s", disturbance -> {
            disturbance.schedule(() -> platform.part("postgres", "restart"), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> platform.part("registry", "stop"), 5, TimeUnit.SECONDS);
            disturbance.schedule(() -> platform.part("registry", "start"), 9, TimeUnit.SECONDS);
        });
    }

    @Test
    void blueGreenNeverRunsBothVersionsAndLosesNothing() throws Exception {
        scenario.underLoad("transaction blue/green (v1 stopped, then v2 started)", disturbance -> disturbance.schedule(() -> {
            services.get("transaction").stop();
            assertTrue(!services.get("transaction").alive(), "v1 is gone before v2 starts");
            services.replace("transaction");
        }, 3, TimeUnit.SECONDS));
    }

    /**
     * Contract v2 beside a producer that has not moved: half the deposits are written with the released v1 schema, by
     * its registry id, while the transaction service (a v2 reader) is rolled: the new instance joins, then the old one leaves. Every request of either version has
     * one outcome and every wallet the sum of its deposits.
     */
    @Test
    void aV1ProducerKeepsWorkingWhileTheV2ConsumerRolls() throws Exception {
        Workload workload = new Workload(kafka);
        workload.v1Every = 2;
        scenario.underLoad("a v1 producer throughout, the v2 transaction service rolled", workload,
                disturbance -> disturbance.schedule(() -> {
                    // A rolling replacement: the new instance joins the group, then the old one leaves it.
                    var old = services.get("transaction");
                    services.replace("transaction");
                    old.stop();
                }, 3, TimeUnit.SECONDS));
        assertTrue(workload.sentAsV1.size() >= workload.sent.size() / 3, workload.sentAsV1.size() + " of " + workload.sent.size() + " as v1");
    }

    @Test
    void aCanaryScaledAwayMidStreamLosesNothing() throws Exception {
        scenario.underLoad("wallet canary in the same group, scaled away", disturbance -> {
            disturbance.schedule(() -> services.addCanary("wallet"), 1, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.removeCanary("wallet"), 7, TimeUnit.SECONDS);
        });
    }

    @Test
    void rewoundOffsetsApplyNothingTwice() throws Exception {
        scenario.underLoad("wallet offsets rewound to the beginning", disturbance -> disturbance.schedule(() -> {
            services.get("wallet").stop();
            services.rewind("wallet-service");
            services.restart("wallet");
        }, 3, TimeUnit.SECONDS));
    }

    @Test
    void theFullUserJourneyThroughTheGateway() {
        long started = System.nanoTime();
        URI gateway = URI.create(services.url("gateway"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        // From a minute back: the rate an exchange uses may have been quoted just before the journey began.
        try (KafkaTestClient.Tail rates = kafka.tailSince("rates", Instant.now().minusSeconds(60));
             OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            List<String> transactions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                UserJourney journey = new UserJourney(gateway, Scenario.USERS + "journey-" + run + "-" + i);
                journey.run(rates);
                transactions.addAll(journey.transactionIds);
            }
            outcomes.awaitAll(Set.copyOf(transactions), RECOVERY);
            long twice = transactions.stream().filter(id -> outcomes.outcome(id).eventIds.size() > 1).count();
            String name = "full user journey (3 users, REST and SSE only)";
            AuditReport audit = scenario.audit();
            Summary.add(new Summary.Row(name, transactions.size(), transactions.size(), 0, twice,
                    0, (System.nanoTime() - started) / 1e9, audit.result()));
            assertEquals(0, twice, "applied twice");
            Scenario.assertClean(name, audit);
        }
    }

    /**
     * An account the gateway shows OPEN takes a deposit at once: the transaction service must not answer
     * UNKNOWN_ACCOUNT because its own view of the accounts topic is behind, even while it is busy with other load, and
     * even when it was stopped meanwhile and comes back to requests and accounts waiting on both topics (without that
     * restart, the view here was always ahead of the gateway's client, and a service that never waited for it passed).
     */
    @Test
    void accountsDepositedIntoTheMomentTheyAreOpenAreNeverUnknown() throws Exception {
        int count = 250 * Scenario.SCALE;
        Workload workload = new Workload(kafka);
        URI gateway = URI.create(services.url("gateway"));
        List<String> first = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.ExecutorService opener = Executors.newSingleThreadExecutor();
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            scenario.underLoadThroughout("no false UNKNOWN_ACCOUNT (" + count + " accounts opened through the gateway, each deposited into at once;"
                    + " transaction restarted meanwhile)", workload, disturbance -> {
                        java.util.concurrent.Future<List<String>> openings = opener.submit(
                                () -> workload.openAndDepositThroughGateway(gateway, count, 50, 32, RECOVERY));
                        disturbance.schedule(() -> services.get("transaction").stop(), 3, TimeUnit.SECONDS);
                        disturbance.schedule(() -> services.restart("transaction"), 8, TimeUnit.SECONDS);
                        // Queued behind the restart on the disturbance's one thread: the scenario lasts until every opening is done.
                        disturbance.schedule(() -> {
                            try {
                                first.addAll(openings.get());
                            } catch (Exception e) {
                                failure.set(e);
                            }
                        }, 8, TimeUnit.SECONDS);
                    });
            assertEquals(null, failure.get(), "every account was opened and deposited into");
            assertEquals(count, first.size(), "every account was opened and deposited into");
            Map<String, Long> rejected = first.stream().map(outcomes::outcome).filter(o -> o.event instanceof TransactionRejected)
                    .collect(java.util.stream.Collectors.groupingBy(o -> ((TransactionRejected) o.event).getReason().toString(),
                            java.util.stream.Collectors.counting()));
            assertEquals(Map.of(), rejected, "first deposits rejected, by reason, of " + count);
        } finally {
            opener.shutdownNow();
        }
    }

    /**
     * The audit command as operators run it (the packaged launcher): clean, then exit 1 naming the account of a ledger
     * entry planted without its balance, then clean again once the entry is gone.
     */
    @Test
    void theAuditCommandFindsAPlantedLedgerEntry() throws Exception {
        long started = System.nanoTime();
        Workload workload = new Workload(kafka);
        workload.openAccounts(1, RECOVERY);
        String account = workload.accounts.get(0);
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            workload.deposit(account);
            kafka.flush();
            scenario.settle("audit command: clean, a planted ledger entry found, clean again", workload, outcomes, System.nanoTime(), started);
        }
        // The platform's endpoints from its state file (the environment's KANTOR_HOME), as `./kantor audit` finds them.
        AuditRun clean = auditCommand("--users", Scenario.USERS, "--settle", "0");
        assertEquals(0, clean.exitCode(), clean.output());
        var endpoints = services.endpoints();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(),
                endpoints.postgresPassword())) {
            String planted = java.util.UUID.randomUUID().toString();
            try (var insert = db.prepareStatement("insert into transaction.ledger_entry (id, transaction_id, account_id, currency, amount, created_at)"
                    + " values (?::uuid, ?, ?, 'EUR', 1.2500, now())")) {
                insert.setString(1, planted);
                insert.setString(2, "audit-planted-" + planted);
                insert.setString(3, account);
                assertEquals(1, insert.executeUpdate());
            }
            try {
                // Every endpoint given explicitly, as for an environment that is not the local platform.
                AuditRun dirty = auditCommand("--users", Scenario.USERS, "--settle", "2", "--bootstrap", endpoints.kafkaBootstrapServers(),
                        "--db-url", endpoints.jdbcUrl(), "--db-user", endpoints.postgresUser(), "--db-password", endpoints.postgresPassword(),
                        "--registry", endpoints.registryUrl());
                System.out.print(dirty.output());
                assertEquals(1, dirty.exitCode(), dirty.output());
                assertTrue(dirty.output().contains("account " + account + " EUR: ledger sum "), dirty.output());
                assertTrue(dirty.output().contains("1 difference after"), dirty.output());
            } finally {
                try (var delete = db.prepareStatement("delete from transaction.ledger_entry where id = ?::uuid")) {
                    delete.setString(1, planted);
                    assertEquals(1, delete.executeUpdate());
                }
            }
        }
        AuditRun restored = auditCommand("--users", Scenario.USERS, "--settle", "0");
        assertEquals(0, restored.exitCode(), restored.output());
    }

    /** What `kantor audit` printed and how it exited. */
    record AuditRun(int exitCode, String output) {
    }

    private static AuditRun auditCommand(String... options) throws Exception {
        java.nio.file.Path root = dev.kantor.platform.PlatformConfig.projectRoot();
        List<String> command = new ArrayList<>(List.of(dev.kantor.platform.ManagedProcess.javaExecutable(), "-Xmx256m",
                "-Dkantor.project.root=" + root, "-jar", root.resolve("platform/target/kantor-platform.jar").toString(), "audit"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), output);
        return new AuditRun(process.exitValue(), output);
    }

    @Test
    void theAccountServiceStoppedAndKilledOpensEveryRequestedAccountOnce() throws Exception {
        try (KafkaTestClient.Tail opened = kafka.tail("accounts")) {
            List<String> requested = new CopyOnWriteArrayList<>();
            Workload workload = new Workload(kafka);
            scenario.underLoad("account stopped, then killed, while accounts are requested", workload, disturbance -> disturbance.schedule(() -> {
                services.get("account").stop();
                requested.addAll(workload.requestAccounts(10));
                kafka.flush();
                services.restart("account");
                requested.addAll(workload.requestAccounts(10));
                kafka.flush();
                services.get("account").kill();
                services.restart("account");
                opened.await(AccountOpened.class, a -> requested.contains(a.getAccountId()), requested.size(), RECOVERY);
                // The accounts opened meanwhile take deposits for the rest of the run.
                workload.adopt(requested);
            }, 1, TimeUnit.SECONDS));
            for (String account : requested) {
                assertEquals(1, opened.seen(AccountOpened.class, a -> a.getAccountId().equals(account)).stream()
                        .map(AccountOpened::getEventId).distinct().count(), account + " was opened exactly once");
            }
        }
    }

    @Test
    void theRateServiceStoppedAndKilledQuotesAgain() throws Exception {
        try (KafkaTestClient.Tail rates = kafka.tail("rates")) {
            AtomicReference<Instant> back = new AtomicReference<>();
            scenario.underLoad("rate stopped, then killed", disturbance -> disturbance.schedule(() -> {
                services.get("rate").stop();
                services.restart("rate");
                services.get("rate").kill();
                services.restart("rate");
                back.set(Instant.now());
            }, 2, TimeUnit.SECONDS));
            rates.await(RateQuoted.class, q -> q.getQuotedAt().isAfter(back.get()) && q.getPair().equals("EUR/USD"), 1, RECOVERY);
            Map<String, List<Instant>> quoted = new java.util.TreeMap<>();
            rates.seen(RateQuoted.class, q -> true).forEach(q -> quoted.computeIfAbsent(q.getPair(), p -> new ArrayList<>()).add(q.getQuotedAt()));
            quoted.forEach((pair, times) -> {
                for (int i = 1; i < times.size(); i++) {
                    assertTrue(times.get(i).isAfter(times.get(i - 1)), pair + " quotes never go back in time across restarts: " + times);
                }
            });
            GatewayClient client = GatewayClient.signIn(URI.create(services.url("gateway")), Scenario.USERS + "rates");
            await().atMost(RECOVERY).until(() -> {
                for (var rate : client.get("/api/rates", 200)) {
                    if (rate.get("pair").asText().equals("EUR/USD") && Instant.parse(rate.get("quotedAt").asText()).isAfter(back.get())) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    @Test
    void theGatewayKilledAndStoppedLosesNoAcceptedRequest() throws Exception {
        long started = System.nanoTime();
        Workload workload = new Workload(kafka);
        URI gateway = URI.create(services.url("gateway"));
        workload.openAccountsThroughGateway(gateway, 8);
        String watched = workload.accounts.get(0);
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints());
             SseClient before = workload.client(watched).stream("transactions")) {
            await().atMost(RECOVERY).until(() -> before.status() == 200);
            String first = workload.depositThroughGateway(watched, RECOVERY).transactionId();
            before.await(e -> e.data().contains(first), RECOVERY);

            // Eight clients, ten deposits a second each, every one retried with its key until the gateway accepts it.
            ScheduledExecutorService clients = Executors.newScheduledThreadPool(8);
            ScheduledExecutorService disturbance = Executors.newSingleThreadScheduledExecutor();
            int perClient = 100 * SCALE;
            AtomicInteger done = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int c = 0; c < 8; c++) {
                AtomicInteger mine = new AtomicInteger();
                clients.scheduleAtFixedRate(() -> {
                    if (mine.incrementAndGet() <= perClient) {
                        try {
                            workload.depositThroughGateway(RECOVERY);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                        done.incrementAndGet();
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
            }
            disturbance.schedule(() -> {
                services.get("gateway").kill();
                services.restart("gateway");
            }, 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> {
                services.get("gateway").stop();
                services.restart("gateway");
            }, 7, TimeUnit.SECONDS);
            disturbance.shutdown();
            await().atMost(Duration.ofMinutes(5)).until(() -> done.get() >= 8 * perClient && disturbance.isTerminated());
            clients.shutdownNow();
            assertEquals(null, failure.get(), "every client got its deposits accepted");
            scenario.settle("gateway killed, then stopped (clients retry with their keys)", workload, outcomes, System.nanoTime(), started);

            // The watcher reconnects where its stream broke off and sees each of its outcomes exactly once.
            Set<String> mine = workload.sent.values().stream().filter(d -> d.account().equals(watched))
                    .map(Workload.Deposit::transactionId).collect(java.util.stream.Collectors.toSet());
            try (SseClient after = workload.client(watched).stream("transactions", "Last-Event-ID", before.lastEventId())) {
                await().atMost(RECOVERY).until(() -> transactionIds(before, after).containsAll(mine));
                assertEquals(mine.size(), transactionIds(before, after).size(), "each outcome once, nobody else's");
                assertEquals(Set.copyOf(transactionIds(before, after)), mine);
            }
        }
    }

    private static List<String> transactionIds(SseClient... streams) {
        List<String> ids = new ArrayList<>();
        for (SseClient stream : streams) {
            stream.events().forEach(e -> {
                try {
                    ids.add(JSON.readTree(e.data()).get("transactionId").asText());
                } catch (java.io.IOException notJson) {
                    throw new AssertionError(e.data(), notJson);
                }
            });
        }
        return ids;
    }

    @Test
    void aFloodOfOldRecordsChangesNothing() throws Exception {
        long started = System.nanoTime();
        Workload workload = new Workload(kafka);
        workload.openAccounts(10, RECOVERY);
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            for (int i = 0; i < 300 * SCALE; i++) {
                workload.deposit();
            }
            kafka.flush();
            outcomes.awaitAll(workload.sent.keySet(), RECOVERY);
            // The same records again, same event ids, twice over: a producer retrying, a topic re-fed from a backup.
            List<TransactionRequested> old = List.copyOf(workload.produced.values());
            for (int round = 0; round < 2; round++) {
                old.forEach(request -> kafka.sendAsync("transaction-requests", request.getAccountId(), request));
            }
            TransactionRequested marker = workload.deposit();
            kafka.flush();
            long recovering = System.nanoTime();
            outcomes.awaitAll(java.util.Set.of(marker.getTransactionId()), RECOVERY);
            scenario.settle("duplicate flood (2 x every old request)", workload, outcomes, recovering, started);
        }
    }

    @Test
    void poisonInEveryConsumedTopicEndsInTheDeadLetterTopicsAndNothingStops() throws Exception {
        long started = System.nanoTime();
        Map<String, List<String>> consumers = Map.of(
                "account-requests", List.of("account.dlt"),
                "transaction-requests", List.of("transaction.dlt"),
                "accounts", List.of("transaction.dlt", "wallet.dlt", "gateway.dlt"),
                "transactions", List.of("wallet.dlt", "gateway.dlt"),
                "transactions-rejected", List.of("gateway.dlt"),
                "rates", List.of("transaction.dlt", "wallet.dlt", "gateway.dlt"),
                "wallets", List.of("gateway.dlt"));
        Map<String, KafkaTestClient.Tail> dlts = new java.util.HashMap<>();
        for (String dlt : List.of("account.dlt", "transaction.dlt", "wallet.dlt", "gateway.dlt")) {
            dlts.put(dlt, kafka.tail(dlt));
        }
        try {
            Workload workload = new Workload(kafka);
            workload.openAccounts(2, RECOVERY);
            String key = "poison-" + workload.run;
            for (String topic : consumers.keySet()) {
                kafka.sendRaw(topic, key, "not an event".getBytes(StandardCharsets.UTF_8), Map.of());
            }
            AtomicInteger dead = new AtomicInteger();
            consumers.forEach((topic, targets) -> targets.forEach(dlt -> {
                ConsumerRecord<String, byte[]> record = dlts.get(dlt).awaitRaw(r -> key.equals(r.key())
                        && topic.equals(header(r, "dead-letter-topic")), 1, RECOVERY).get(0);
                assertTrue(header(record, "dead-letter-reason").startsWith("undecodable"), dlt + " from " + topic + ": " + header(record, "dead-letter-reason"));
                dead.incrementAndGet();
            }));
            try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
                for (int i = 0; i < 20; i++) {
                    workload.deposit();
                }
                kafka.flush();
                long recovering = System.nanoTime();
                assertEquals(12, dead.get(), "every consumer of every topic dead-lettered the poison");
                scenario.settle("poison in every consumed topic (12 dead letters)", workload, outcomes, recovering, started);
            }
        } finally {
            dlts.values().forEach(KafkaTestClient.Tail::close);
        }
    }
}
