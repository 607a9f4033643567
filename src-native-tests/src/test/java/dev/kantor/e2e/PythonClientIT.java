package dev.kantor.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.TransactionRequested;
import dev.kantor.testsupport.DebianPackages;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.topology.ProjectRoot;
import dev.kantor.topology.Topology;

/**
 * The Python client (clients/python) as a team without Java runs it, with Debian's python3-confluent-kafka,
 * python3-avro and python3-requests only, against the packaged services: its requests are decided like the
 * gateway's, its amounts arrive at the contract's scale, and an account's requests land on the partition Java's
 * partitioner picks.
 */
class PythonClientIT {

    static final String PYTHON = "/usr/bin/python3";
    static final ObjectMapper JSON = new ObjectMapper();
    static PackagedServices services;
    static KafkaTestClient kafka;

    @BeforeAll
    static void start() {
        DebianPackages.ensure(() -> DebianPackages.succeeds(PYTHON, "-c", "import confluent_kafka, avro, requests"),
                "python3-confluent-kafka", "python3-avro", "python3-requests");
        services = new PackagedServices(List.of("account", "transaction", "wallet"));
        kafka = new KafkaTestClient(services.endpoints());
        awaitSettled(Map.of("account-service", new Group("account-requests", 1), "transaction-service-accounts", new Group("accounts", 1),
                "transaction-service", new Group("transaction-requests", 1), "wallet-service", new Group("transactions", 1)));
    }

    /** A consumer group of the services just started: a topic it reads, and how many consumers the one instance has. */
    record Group(String topic, int members) {
    }

    /**
     * Until the services just started are their groups' only members, settled, and have read their topics to the end:
     * the scenario before may have left members that take a while to be given up (a consumer that could not leave its
     * group cleanly), and the client is to be judged on a platform at rest, not on that.
     */
    static void awaitSettled(Map<String, Group> groups) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.endpoints().kafkaBootstrapServers()))) {
            java.util.concurrent.atomic.AtomicReference<String> waitingFor = new java.util.concurrent.atomic.AtomicReference<>("");
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .alias("the services' groups to settle").conditionEvaluationListener(c -> {
                        if (c.isSatisfied() == false && c.getRemainingTimeInMS() < 1000) {
                            System.out.println("still waiting for " + waitingFor.get());
                        }
                    }).until(() -> {
                var described = admin.describeConsumerGroups(groups.keySet()).all().get();
                for (Map.Entry<String, Group> group : groups.entrySet()) {
                    var state = described.get(group.getKey());
                    if (state.groupState() != org.apache.kafka.common.GroupState.STABLE || state.members().size() != group.getValue().members()) {
                        waitingFor.set(group.getKey() + ": " + state.groupState() + " with " + state.members().size() + " members");
                        return false;
                    }
                }
                for (Map.Entry<String, String> entry : groups.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().topic())).entrySet()) {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    admin.describeTopics(List.of(entry.getValue())).allTopicNames().get().get(entry.getValue()).partitions()
                            .forEach(p -> latest.put(new TopicPartition(entry.getValue(), p.partition()), OffsetSpec.latest()));
                    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(entry.getKey()).partitionsToOffsetAndMetadata().get();
                    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                        var at = committed.get(end.getKey());
                        if ((at == null ? 0 : at.offset()) < end.getValue().offset()) {
                            waitingFor.set(entry.getKey() + " at " + at + " of " + end.getKey() + " ending at " + end.getValue().offset());
                            return false;
                        }
                    }
                }
                return true;
            });
        }
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
    void aPythonClientOpensAnAccountDepositsAndReadsItsWallet() throws Exception {
        String user = "py-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaTestClient.Tail requests = kafka.tail("transaction-requests")) {
            List<JsonNode> steps = example(user, "7.00");
            assertEquals("opened", steps.get(0).get("step").asText());
            String account = steps.get(0).get("accountId").asText();
            JsonNode deposit = steps.get(1);
            assertEquals("APPROVED", deposit.get("status").asText(), deposit.toString());
            assertEquals("7.0000", deposit.get("credited").asText(), "7.00 arrives as 7, not as 0.0700");
            assertEquals("7.0000", steps.get(2).get("balances").get("EUR").asText());

            ConsumerRecord<String, byte[]> sent = requests.awaitRaw(r -> account.equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
            int partitions = Topology.load().topic("transaction-requests").partitions();
            assertEquals(Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % partitions, sent.partition(),
                    "the partition the gateway's (Java's) partitioner picks for this account");
            TransactionRequested read = requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account)).get(0);
            assertEquals(new java.math.BigDecimal("7.0000"), read.getAmount().getAmount(), "Java reads what Python wrote");
        }
    }

    /**
     * A team that keeps its own copy of the schema its code was written against (v1 of TransactionRequested, as
     * avro-idl keeps it released, in the form other languages write) finds it in the registry by content, and its
     * deposits carry that version's id and are decided like any other.
     */
    @Test
    void aPythonClientWritesWithItsOwnCopyOfV1FoundInTheRegistryByContent() throws Exception {
        String user = "py-" + UUID.randomUUID().toString().substring(0, 8);
        Path v1 = ProjectRoot.find().resolve("avro-idl/src/main/released/dev.kantor.events.TransactionRequested/1.avsc");
        try (KafkaTestClient.Tail requests = kafka.tail("transaction-requests")) {
            List<JsonNode> steps = example(user, "7.00", "--schema", "transaction-requests=" + v1);
            assertEquals("schema", steps.get(0).get("step").asText(), steps.toString());
            int id = steps.get(0).get("id").asInt();
            String account = steps.get(1).get("accountId").asText();
            assertEquals("APPROVED", steps.get(2).get("status").asText(), steps.get(2).toString());
            assertEquals("7.0000", steps.get(2).get("credited").asText());
            ConsumerRecord<String, byte[]> sent = requests.awaitRaw(r -> account.equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
            assertEquals(id, java.nio.ByteBuffer.wrap(sent.value(), 1, 4).getInt(), "written with the id the lookup found");
            int version = steps.get(0).get("version").asInt();
            assertEquals(null, kafka.registered("transaction-requests", version).schema().getField("quoteId"), "that version is v1");
        }
    }

    /**
     * The client's own tests (clients/python/test_kantor_client.py) against the platform's broker: among them, that
     * an outcome written while a follower joins its group is read. librdkafka's "no record since then" (-1) would make
     * it start at the end as of its first fetch, and such an outcome was missed, now and then, in CI.
     */
    @Test
    void theClientsOwnTestsPass() throws Exception {
        String output = python(List.of(PYTHON, "-m", "unittest", "-v", "test_kantor_client"),
                Map.of("KANTOR_BOOTSTRAP", services.endpoints().kafkaBootstrapServers()), 300);
        assertTrue(java.util.regex.Pattern.compile("test_a_record_written_between_the_lookup_and_the_assignment_is_read \\(.*\\) \\.\\.\\. ok")
                .matcher(output).find(), "that test ran and passed: " + output);
    }

    /** Runs a command in clients/python and returns what it printed; it must end within the time and exit 0. */
    private static String python(List<String> command, Map<String, String> environment, int seconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ProjectRoot.find().resolve("clients/python").toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, String.join(" ", command) + " did not finish within " + seconds + " s: " + output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Runs clients/python/example.py and returns the JSON line of each step. */
    private static List<JsonNode> example(String user, String amount, String... options) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "example.py", "--bootstrap", services.endpoints().kafkaBootstrapServers(),
                "--registry", services.endpoints().registryUrl(), "--user", user, "--amount", amount,
                // As long as every scenario gives the platform to recover (Scenario.RECOVERY).
                "--timeout", "180"));
        command.addAll(List.of(options));
        String output = python(command, Map.of(), 600);
        List<JsonNode> steps = new java.util.ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                steps.add(JSON.readTree(line));
            }
        }
        assertEquals(3 + options.length / 2, steps.size(), output);
        return steps;
    }
}
