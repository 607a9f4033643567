package dev.kantor.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.kantor.platform.Audit;
import dev.kantor.platform.AuditReport;
import dev.kantor.platform.AuditTarget;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;
import dev.kantor.testsupport.PackagedServices;

/**
 * How every scenario runs: a workload, something done to the platform meanwhile, then the reference model checked
 * (every request one outcome, every wallet the sum of its approved deposits), the operators' audit run (ledger,
 * balances, wallets and outcomes reconciled) and a row written to the summary.
 * -Dkantor.e2e.scale=N multiplies the load and its duration for the longer mode.
 */
final class Scenario implements AutoCloseable {

    static final int SCALE = Integer.getInteger("kantor.e2e.scale", 1);
    static final Duration RECOVERY = Duration.ofMinutes(3);
    /**
     * The start of every user id this run makes. The shared platform also holds what other modules' tests planted on
     * purpose (outcomes sent straight to the topics, with nothing stored behind them), so its audit covers this run's users.
     */
    static final String USERS = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** A plan for what happens to the platform while the load runs, on a scheduler of its own. */
    interface Disturbance {
        void plan(ScheduledExecutorService disturbance);
    }

    private final PackagedServices services;
    private final KafkaTestClient kafka;
    private final String auditedUsers;

    /** Takes the services over (closing the scenario stops them) with a Kafka client of their platform. */
    Scenario(PackagedServices services) {
        this(services, USERS);
    }

    /** The same, auditing the users whose id starts with the prefix ("" for all: a platform of the scenario's own). */
    Scenario(PackagedServices services, String auditedUsers) {
        this.services = services;
        this.kafka = new KafkaTestClient(services.endpoints());
        this.auditedUsers = auditedUsers;
    }

    PackagedServices services() {
        return services;
    }

    KafkaTestClient kafka() {
        return kafka;
    }

    @Override
    public void close() {
        kafka.close();
        services.close();
    }

    /**
     * Steady deposits produced at 100/s for 10 s (x scale) to 20 accounts (or the workload's own, opened beforehand)
     * while the disturbance runs.
     */
    Workload underLoad(String scenario, Disturbance plan) throws Exception {
        return underLoad(scenario, new Workload(kafka), plan);
    }

    /** The same, with a workload the disturbance also uses (to ask for accounts meanwhile, say). */
    Workload underLoad(String scenario, Workload workload, Disturbance plan) throws Exception {
        return underLoad(scenario, workload, plan, false);
    }

    /** The same, with the load going on for as long as the disturbance lasts, if that is longer. */
    Workload underLoadThroughout(String scenario, Workload workload, Disturbance plan) throws Exception {
        return underLoad(scenario, workload, plan, true);
    }

    private Workload underLoad(String scenario, Workload workload, Disturbance plan, boolean throughout) throws Exception {
        long started = System.nanoTime();
        if (workload.accounts.isEmpty()) {
            workload.openAccounts(20, RECOVERY);
        }
        try (OutcomeCollector outcomes = new OutcomeCollector(services.endpoints())) {
            ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService disturbance = Executors.newSingleThreadScheduledExecutor();
            int ticks = 100 * SCALE;
            AtomicInteger tick = new AtomicInteger();
            load.scheduleAtFixedRate(() -> {
                if (tick.incrementAndGet() <= ticks || throughout && !disturbance.isTerminated()) {
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
            settle(scenario, workload, outcomes, System.nanoTime(), started);
        }
        return workload;
    }

    /**
     * Waits until every request has an outcome and the wallet service agrees with the model, audits, then records the
     * scenario and fails it on anything lost or applied twice, or any difference the audit found.
     */
    void settle(String scenario, Workload workload, OutcomeCollector outcomes, long recovering, long started) {
        outcomes.awaitAll(workload.sent.keySet(), RECOVERY);
        await().atMost(RECOVERY).until(() -> workload.expectedWallets(outcomes).equals(workload.actualWallets(services.url("wallet"))));
        long lost = workload.lost(outcomes);
        long twice = workload.appliedTwice(outcomes);
        double recovery = (System.nanoTime() - recovering) / 1e9;
        // The duration stops before the audit, so that it compares with the runs before there was one.
        double seconds = (System.nanoTime() - started) / 1e9;
        AuditReport audit = audit();
        Summary.add(new Summary.Row(scenario, workload.sent.size(), workload.sent.size() - lost, lost, twice, recovery, seconds,
                audit.result()));
        assertEquals(0, lost, scenario + ": lost");
        assertEquals(0, twice, scenario + ": applied twice");
        assertClean(scenario, audit);
    }

    /** The operators' audit of the platform (this run's users, unless the scenario audits all), printed. */
    AuditReport audit() {
        AuditReport report = Audit.run(AuditTarget.of(services.endpoints()).users(auditedUsers));
        System.out.print(report.text());
        return report;
    }

    static void assertClean(String scenario, AuditReport audit) {
        assertTrue(audit.clean(), scenario + ": the audit found differences\n" + audit.text());
    }
}
