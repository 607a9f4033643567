package dev.kantor.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kantor.topology.Topology;

/**
 * `kantor topology plan|apply` against a real secured broker (SASL/SCRAM, ACLs), logged in through a
 * --command-config file as kafka-topics.sh would be: the plan lists exactly the drift made, apply repairs exactly
 * that and deletes nothing without --allow-delete, and a second plan finds nothing to change.
 */
class TopologyCommandIT {

    static final String KEPT_TOPIC = "  (kept, --allow-delete deletes) - topic scratch";
    static final String KEPT = "  (kept, --allow-delete deletes) - acl User:rate ALLOW WRITE topic accounts";
    static final Duration PROPAGATION = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static KafkaCluster cluster;
    static Admin admin;
    static Path commandConfig;

    @BeforeAll
    static void connect() throws Exception {
        cluster = SecuredBroker.get();
        admin = Admin.create(cluster.adminConfig());
        commandConfig = dir.resolve("admin.properties");
        Files.writeString(commandConfig, """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="%s";
                """.formatted(SecuredBroker.ADMIN_PASSWORD));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void planListsExactlyTheDriftApplyRepairsItAndASecondPlanIsEmpty() throws Exception {
        // From the declared state, whatever ran on the shared broker before.
        assertEquals(TopologyCommand.IN_SYNC, run("apply", "--allow-delete").code(), "setting up the declared state");
        drift();

        List<String> expected = List.of(
                "~ topic rates partitions: 1 -> 3",
                "~ topic account.dlt retention.ms: 1000 -> 2592000000",
                "+ topic gateway.dlt (1 partitions, replication 1, {cleanup.policy=delete, min.insync.replicas=1, retention.ms=2592000000})",
                "+ acl User:account ALLOW WRITE topic accounts",
                KEPT_TOPIC,
                KEPT,
                "4 changes");
        // The broker applies deletions and ACLs a moment after the controller has them: the plan converges on them.
        await().atMost(PROPAGATION).untilAsserted(() -> assertEquals(new Result(TopologyCommand.CHANGES, expected), run("plan")));

        Result applied = run("apply");
        assertEquals(TopologyCommand.IN_SYNC, applied.code(), applied.toString());
        assertEquals(List.of(
                "done   ~ topic rates partitions: 1 -> 3",
                "done   ~ topic account.dlt retention.ms: 1000 -> 2592000000",
                "done   + topic gateway.dlt (1 partitions, replication 1, {cleanup.policy=delete, min.insync.replicas=1, retention.ms=2592000000})",
                "done   + acl User:account ALLOW WRITE topic accounts",
                KEPT_TOPIC,
                KEPT,
                "applied 4 of 4 changes"), applied.lines());
        assertEquals(3, admin.describeTopics(List.of("rates")).allTopicNames().get(30, TimeUnit.SECONDS).get("rates").partitions().size());
        assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("gateway.dlt"));

        await().atMost(PROPAGATION).untilAsserted(() -> assertEquals(
                new Result(TopologyCommand.IN_SYNC, List.of(KEPT_TOPIC, KEPT, "nothing to change (2 undeclared kept)")), run("plan")));
        assertEquals(1, rateWritesAccounts(), "the extra ACL is still there without --allow-delete");
        assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("scratch"), "the undeclared topic too");

        await().atMost(PROPAGATION).untilAsserted(() -> assertEquals(
                new Result(TopologyCommand.CHANGES, List.of("- acl User:rate ALLOW WRITE topic accounts", "- topic scratch", "2 changes")),
                run("plan", "--allow-delete")));
        Result deleted = run("apply", "--allow-delete");
        assertEquals(new Result(TopologyCommand.IN_SYNC, List.of("done   - acl User:rate ALLOW WRITE topic accounts", "done   - topic scratch",
                "applied 2 of 2 changes")), deleted);
        await().atMost(PROPAGATION).untilAsserted(() -> assertEquals(new Result(TopologyCommand.IN_SYNC, List.of("nothing to change")), run("plan")));
        assertEquals(0, rateWritesAccounts());
    }

    @Test
    void theVesselTopologyIsPlannedOnItsOwnTopicsOnly() {
        Result plan = run("plan", "--topology", "vessel");
        assertEquals(TopologyCommand.CHANGES, plan.code(), plan.toString());
        assertTrue(plan.lines().contains("+ topic reefer-readings (3 partitions, replication 1, {cleanup.policy=delete, min.insync.replicas=1,"
                + " retention.ms=604800000})"), plan.toString());
        assertTrue(plan.lines().stream().noneMatch(l -> l.contains(" acl ")), "the vessel's cluster has no ACLs declared: " + plan);
    }

    @Test
    void aWrongPasswordInTheCommandConfigFailsWithoutTouchingTheCluster() throws Exception {
        Path wrong = dir.resolve("wrong.properties");
        Files.writeString(wrong, Files.readString(commandConfig).replace(SecuredBroker.ADMIN_PASSWORD, "guess"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TopologyCommand.command(List.of("apply", "--bootstrap", cluster.bootstrapServers(), "--command-config", wrong.toString()),
                PlatformConfig.fromEnvironment(1), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(TopologyCommand.FAILED, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Authentication failed"), err.toString(StandardCharsets.UTF_8));
    }

    /** A topic missing, one with fewer partitions, one config changed, one of a service's ACLs missing, one extra, an undeclared topic. */
    private static void drift() throws Exception {
        admin.deleteTopics(List.of("gateway.dlt", "rates")).all().get(30, TimeUnit.SECONDS);
        await().atMost(PROPAGATION).until(() -> {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return !names.contains("gateway.dlt") && !names.contains("rates");
        });
        Map<String, String> ratesConfig = TopologyDiff.config(Topology.load().topic("rates"), ReplicationProfile.forBrokers(1));
        // A deleted topic's name is free only once the broker has removed its logs.
        await().atMost(PROPAGATION).until(() -> {
            try {
                admin.createTopics(List.of(new NewTopic("rates", 1, (short) 1).configs(ratesConfig))).all().get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return false;
                }
                throw e;
            }
        });
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "account.dlt"),
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        admin.deleteAcls(List.of(TopologyDiffTest.ACCOUNT_WRITES_ACCOUNTS.toFilter())).all().get(30, TimeUnit.SECONDS);
        admin.createAcls(List.of(TopologyDiffTest.RATE_WRITES_ACCOUNTS)).all().get(30, TimeUnit.SECONDS);
        admin.createTopics(List.of(new NewTopic("scratch", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private static long rateWritesAccounts() throws Exception {
        return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
                .filter(b -> b.entry().principal().equals("User:rate") && b.entry().operation() == AclOperation.WRITE
                        && b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals("accounts"))
                .count();
    }

    /** The exit code and the printed lines after the header line (which names the cluster). */
    record Result(int code, List<String> lines) {
    }

    private static Result run(String... args) {
        List<String> command = new ArrayList<>(Arrays.asList(args));
        command.addAll(List.of("--bootstrap", cluster.bootstrapServers(), "--command-config", commandConfig.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TopologyCommand.command(command, PlatformConfig.fromEnvironment(1), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(!lines.isEmpty() && lines.get(0).startsWith("topology "), "no header; stderr: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(lines.get(0).contains("(SASL_PLAINTEXT)"), lines.get(0));
        return new Result(code, lines.subList(1, lines.size()));
    }
}
