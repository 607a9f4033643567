package dev.kantor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One SASL/SCRAM broker with ACLs for every integration test of this JVM that needs one (SecuredKafkaIT,
 * TopologyCommandIT): started by the launcher's own {@link KafkaCluster} on first use, stopped when the JVM ends, so
 * that the suite pays for one secured broker, not one per test class.
 */
final class SecuredBroker {

    static final String ADMIN_PASSWORD = "admin-secret";
    private static KafkaCluster cluster;

    private SecuredBroker() {
    }

    static synchronized KafkaCluster get() {
        if (cluster == null) {
            try {
                Path dir = Files.createTempDirectory("kantor-secured-broker");
                KafkaCluster started = KafkaCluster.secured(dir.resolve("kafka"), dir.resolve("logs"), 1, 39092, "384m", ADMIN_PASSWORD);
                Runtime.getRuntime().addShutdownHook(new Thread(started::stopAll, "secured-broker-stop"));
                started.startAll(Duration.ofSeconds(120));
                cluster = started;
            } catch (IOException e) {
                throw new PlatformException("cannot make a directory for the secured broker: " + e.getMessage(), e);
            }
        }
        return cluster;
    }
}
