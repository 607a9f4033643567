package dev.kantor.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.topology.Services;
import dev.kantor.testsupport.PackagedServices;

/**
 * The platform in its high-availability shape (./kantor up --brokers 3: replication 3, min.insync.replicas 2, every
 * producer acks=all), beside the test platform on ports of its own, with every packaged service: the broker that
 * leads the outcome topic is killed with kill -9 under load and comes back, and nothing is lost or applied twice.
 */
class ThreeBrokerScenariosIT {

    @TempDir
    static Path home;
    static LocalPlatform platform;
    static Scenario scenario;

    @BeforeAll
    static void start() {
        platform = new LocalPlatform(PlatformConfig.from(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "31092",
                "KANTOR_REGISTRY_PORT", "31081", "KANTOR_POSTGRES_PORT", "31433", "KANTOR_CONTROL_PORT", "31990"), 3));
        platform.startDetached(false);
        // A platform of its own: the audit covers every user on it.
        scenario = new Scenario(new PackagedServices(platform, Services.PORTS.keySet()), "");
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

    @Test
    void theLeaderOfTheOutcomesKilledUnderLoadLosesNothing() throws Exception {
        String victim;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", scenario.services().endpoints().kafkaBootstrapServers()))) {
            for (String topic : List.of("transaction-requests", "transactions", "accounts", "wallets")) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                assertTrue(description.partitions().stream().allMatch(p -> p.replicas().size() == 3 && p.isr().size() == 3),
                        topic + " is replicated three times and in sync: " + description);
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
                assertEquals("2", config.get("min.insync.replicas").value(), topic);
            }
            victim = "kafka-" + admin.describeTopics(List.of("transactions")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("transactions").partitions().get(0).leader().id();
        }
        AtomicReference<String> killed = new AtomicReference<>();
        scenario.underLoad("three brokers, the outcomes' leader (" + victim + ") killed and restarted",
                disturbance -> {
                    disturbance.schedule(() -> killed.set(platform.part(victim, "kill")), 3, TimeUnit.SECONDS);
                    disturbance.schedule(() -> platform.part(victim, "start"), 8, TimeUnit.SECONDS);
                });
        assertTrue(killed.get() != null && killed.get().contains("kill done"), "the broker was killed: " + killed.get());
    }
}
