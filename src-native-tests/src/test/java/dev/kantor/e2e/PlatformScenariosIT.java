package dev.kantor.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.TransactionRequested;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;
import dev.kantor.testsupport.PackagedServices;

/**
 * The seeds' promises, as an operator sees them, against every packaged service at once: a service stopped or
 * killed under steady load catches up with nothing lost and nothing applied twice; poison in every consumed topic
 * ends in the DLTs while everything goes on; a flood of old records changes nothing. Each scenario writes a row of
 * target/e2e-summary.tsv. -Dkantor.e2e.scale=N multiplies the load for the longer mode.
 */
class PlatformScenariosIT {

    static final int SCALE = Integer.getInteger("kantor.e2e.scale", 1);
    static final Duration RECOVERY = Duration.ofMinutes(3);
    static PackagedServices services;
    static KafkaTestClient kafka;

    @BeforeAll
    static void start() {
        services = new PackagedServices();
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
    void theTransactionServiceStoppedUnderLoadCatchesUp() throws Exception {
        underLoad("transaction stopped and restarted", disturbance -> {
            disturbance.schedule(() -> services.get("transaction").stop(), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.restart("transaction"), 6, TimeUnit.SECONDS);
        });
    }

    @Test
    void theWalletServiceStoppedUnderLoadCatchesUp() throws Exception {
        underLoad("wallet stopped and restarted", disturbance -> {
            disturbance.schedule(() -> services.get("wallet").stop(), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.restart("wallet"), 6, TimeUnit.SECONDS);
        });
    }

    @Test
    void theMoneyPathKilledRepeatedlyUnderLoadLosesNothing() throws Exception {
        underLoad("transaction and wallet kill -9 loop", disturbance -> {
            for (int second : new int[] {2, 6}) {
                disturbance.schedule(() -> {
                    services.get("transaction").kill();
                    services.get("wallet").kill();
                    services.restart("transaction");
                    services.restart("wallet");
                }, second, TimeUnit.SECONDS);
            }
        });
    }

    @Test
    void postgresRestartedAndTheRegistryDownUnderLoadLoseNothing() throws Exception {
        dev.kantor.platform.LocalPlatform platform = dev.kantor.platform.LocalPlatform.fromEnvironment();
        underLoad("postgres restarted, registry down 4 s", disturbance -> {
            disturbance.schedule(() -> platform.part("postgres", "restart"), 2, TimeUnit.SECONDS);
            disturbance.schedule(() -> platform.part("registry", "stop"), 5, TimeUnit.SECONDS);
            disturbance.schedule(() -> platform.part("registry", "start"), 9, TimeUnit.SECONDS);
        });
    }

    @Test
    void blueGreenNeverRunsBothVersionsAndLosesNothing() throws Exception {
        underLoad("transaction blue/green (v1 stopped, then v2 started)", disturbance -> disturbance.schedule(() -> {
            services.get("transaction").stop();
            assertTrue(!services.get("transaction").alive(), "v1 is gone before v2 starts");
            services.replace("transaction");
        }, 3, TimeUnit.SECONDS));
    }

    @Test
    void aCanaryScaledAwayMidStreamLosesNothing() throws Exception {
        underLoad("wallet canary in the same group, scaled away", disturbance -> {
            disturbance.schedule(() -> services.addCanary("wallet"), 1, TimeUnit.SECONDS);
            disturbance.schedule(() -> services.removeCanary("wallet"), 7, TimeUnit.SECONDS);
        });
    }

    @Test
    void rewoundOffsetsApplyNothingTwice() throws Exception {
        underLoad("wallet offsets rewound to the beginning", disturbance -> disturbance.schedule(() -> {
            services.get("wallet").stop();
            services.rewind("wallet-service");
            services.restart("wallet");
        }, 3, TimeUnit.SECONDS));
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
            List<TransactionRequested> old = List.copyOf(workload.sent.values());
            for (int round = 0; round < 2; round++) {
                old.forEach(request -> kafka.sendAsync("transaction-requests", request.getAccountId(), request));
            }
            TransactionRequested marker = workload.deposit();
            kafka.flush();
            long recovering = System.nanoTime();
            outcomes.awaitAll(java.util.Set.of(marker.getTransactionId()), RECOVERY);
            await().atMost(RECOVERY).until(() -> workload.expectedWallets(outcomes).equals(workload.actualWallets(services.url("wallet"))));
            record("duplicate flood (2 x every old request)", workload, outcomes, recovering, started);
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
                        && topic.equals(header(r, "dlt-source-topic")), 1, RECOVERY).get(0);
                assertTrue(header(record, "dlt-reason").startsWith("undecodable"), dlt + " from " + topic + ": " + header(record, "dlt-reason"));
                dead.incrementAndGet();
            }));
            try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
                for (int i = 0; i < 20; i++) {
                    workload.deposit();
                }
                kafka.flush();
                long recovering = System.nanoTime();
                outcomes.awaitAll(workload.sent.keySet(), RECOVERY);
                await().atMost(RECOVERY).until(() -> workload.expectedWallets(outcomes).equals(workload.actualWallets(services.url("wallet"))));
                assertEquals(12, dead.get(), "every consumer of every topic dead-lettered the poison");
                record("poison in every consumed topic (12 dead letters)", workload, outcomes, recovering, started);
            }
        } finally {
            dlts.values().forEach(KafkaTestClient.Tail::close);
        }
    }

    /** A scheduler for what happens to the services while the load runs. */
    interface Disturbance {
        void plan(ScheduledExecutorService disturbance);
    }

    /** Steady deposits for 10 s (x scale) at 100/s while the disturbance runs; then everything must add up. */
    private void underLoad(String scenario, Disturbance plan) throws Exception {
        long started = System.nanoTime();
        Workload workload = new Workload(kafka);
        workload.openAccounts(20, RECOVERY);
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService disturbance = Executors.newSingleThreadScheduledExecutor();
            int ticks = 100 * SCALE;
            AtomicInteger tick = new AtomicInteger();
            load.scheduleAtFixedRate(() -> {
                if (tick.incrementAndGet() <= ticks) {
                    for (int i = 0; i < 10; i++) {
                        workload.deposit();
                    }
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            plan.plan(disturbance);
            disturbance.shutdown();
            await().atMost(Duration.ofMinutes(5)).until(() -> tick.get() >= ticks && disturbance.isTerminated());
            load.shutdownNow();
            kafka.flush();
            long recovering = System.nanoTime();
            outcomes.awaitAll(workload.sent.keySet(), RECOVERY);
            await().atMost(RECOVERY).until(() -> workload.expectedWallets(outcomes).equals(workload.actualWallets(services.url("wallet"))));
            record(scenario, workload, outcomes, recovering, started);
        }
    }

    private static void record(String scenario, Workload workload, OutcomeCollector outcomes, long recovering, long started) {
        long lost = workload.lost(outcomes);
        long twice = workload.appliedTwice(outcomes);
        Summary.add(new Summary.Row(scenario, workload.sent.size(), workload.sent.size() - lost, lost, twice,
                (System.nanoTime() - recovering) / 1e9, (System.nanoTime() - started) / 1e9));
        assertEquals(0, lost, scenario + ": lost");
        assertEquals(0, twice, scenario + ": applied twice");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
