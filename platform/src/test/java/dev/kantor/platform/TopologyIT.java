package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.topology.Topology;

/** The running platform's topics are the declared ones, applying them again changes nothing, and `kantor topology plan` agrees. */
class TopologyIT {

    static Admin admin;
    static Topology topology = Topology.load();

    @BeforeAll
    static void connect() {
        Endpoints endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void everyTopicHasItsDeclaredPartitionsAndConfigs() throws Exception {
        List<String> names = topology.topics().stream().map(Topology.TopicSpec::name).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get(30, TimeUnit.SECONDS);
        for (Topology.TopicSpec spec : topology.topics()) {
            assertEquals(spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.config().forEach((key, value) -> assertEquals(value, actual.get(key).value(), spec.name() + " " + key));
        }
    }

    @Test
    void applyingTwiceIsANoOpAndDriftIsRepaired() throws Exception {
        TopologyApplier applier = new TopologyApplier(admin, ReplicationProfile.forBrokers(1));
        applier.apply(topology);
        assertEquals(List.of(), applier.apply(topology));

        ConfigResource rates = new ConfigResource(ConfigResource.Type.TOPIC, "transactions-rejected");
        Map<ConfigResource, Collection<AlterConfigOp>> drift = Map.of(rates,
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(drift).all().get(30, TimeUnit.SECONDS);

        List<String> repaired = applier.apply(topology);
        assertEquals(1, repaired.size(), repaired.toString());
        assertTrue(repaired.get(0).contains("transactions-rejected retention.ms: 1000 -> -1"), repaired.get(0)); // kept forever again
        assertEquals(List.of(), applier.apply(topology));
    }

    @Test
    void theCommandFindsTheRunningPlatformInSyncAndSaysItComparedNoACLs() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = TopologyCommand.command(List.of("plan"), LocalPlatform.fromEnvironment().config(),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(TopologyCommand.IN_SYNC, code, printed);
        assertTrue(printed.contains("note: ACLs not compared: the cluster has no authorizer"), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("nothing to change")), printed);
    }
}
