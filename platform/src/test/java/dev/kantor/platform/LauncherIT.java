package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launcher against real processes: every part healthy, one platform per home, durable PostgreSQL. */
class LauncherIT {

    static Endpoints endpoints;
    static LocalPlatform platform;

    @BeforeAll
    static void platformRuns() {
        platform = LocalPlatform.fromEnvironment();
        endpoints = platform.ensureRunning();
    }

    @Test
    void everyPartIsUpAndReportedHealthy() {
        String status = platform.status().orElseThrow();
        assertTrue(status.contains("postgres healthy"), status);
        assertTrue(status.contains("kafka healthy"), status);
        assertTrue(status.contains("registry healthy"), status);
        assertEquals(List.of("postgres", "kafka", "registry"), endpoints.parts().stream().map(Endpoints.PartState::name).toList());
        endpoints.parts().forEach(p -> assertTrue(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false), p.name()));
    }

    @Test
    void aSecondStartReusesTheRunningPlatform() throws Exception {
        Process second = new ProcessBuilder(ManagedProcess.javaExecutable(),
                "-Dkantor.project.root=" + PlatformConfig.projectRoot(), "-jar", LocalPlatform.launcherJar().toString(), "up")
                .redirectErrorStream(true).start();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, second.exitValue(), output);
        assertTrue(output.contains("already running (supervisor pid " + endpoints.supervisorPid() + ")"), output);
        assertEquals(endpoints.supervisorPid(), platform.running().orElseThrow().supervisorPid());
    }

    @Test
    void theEmbeddedPostgresIsDurable() throws Exception {
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')")) {
            rs.next();
            assertEquals("on", rs.getString(1));
            assertEquals("on", rs.getString(2));
            assertEquals("on", rs.getString(3));
        }
    }

    @Test
    void aStartOnTakenPortsFailsFastNamingThePort(@TempDir Path otherHome) throws IOException {
        // Another home, a free database port, and the running platform's Kafka port.
        int freePort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        String kafkaPort = endpoints.kafkaBootstrapServers().substring(endpoints.kafkaBootstrapServers().lastIndexOf(':') + 1);
        PlatformConfig clash = PlatformConfig.from(Map.of("KANTOR_HOME", otherHome.toString(),
                "KANTOR_POSTGRES_PORT", Integer.toString(freePort), "KANTOR_KAFKA_PORT", kafkaPort), 1);
        Supervisor supervisor = new Supervisor(clash).lock().orElseThrow();
        try {
            PlatformException error = assertThrows(PlatformException.class, supervisor::start);
            assertTrue(error.getMessage().contains("port " + clash.kafkaPort() + " on 127.0.0.1 (kafka) is already in use"),
                    error.getMessage());
        } finally {
            supervisor.stop();
        }
    }

    @Test
    void theKantorScriptRefusesWhenOnlyAnOldJdkIsOffered() throws IOException, InterruptedException {
        Path root = PlatformConfig.projectRoot();
        // An empty JVM folder and an old JAVA_HOME: the script must say what is missing, not crash later.
        Process process = new ProcessBuilder("bash", "-c",
                "KANTOR_JVM_DIRS=/nonexistent JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 source .ci/jdk.sh")
                .directory(root.toFile()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("no JDK 21 or newer found"), output);
    }
}
