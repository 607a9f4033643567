package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command line a service runs with: its JVM build by default, its native executable with ./kantor up --native. */
class ServicePartCommandTest {

    private static final Endpoints ENDPOINTS = new Endpoints(1, 1, "127.0.0.1:9092", "http://127.0.0.1:8081", "127.0.0.1",
            5433, "postgres", "", "kantor", 9990, List.of(), false);

    @AfterEach
    void jvmAgain() {
        System.clearProperty("kantor.native");
    }

    @Test
    void theJvmBuildRunsItsJarWithTheOptionsTheJdkNeeds() {
        List<String> command = rate().command();
        assertTrue(command.get(0).endsWith("java"), command.toString());
        assertTrue(command.contains("--add-opens") && command.contains("-Xmx256m"), command.toString());
        assertEquals("-jar", command.get(command.size() - 2), command.toString());
        assertTrue(command.get(command.size() - 1).endsWith("services/rate/target/quarkus-app/quarkus-run.jar"), command.toString());
    }

    @Test
    void nativeModeRunsTheExecutableWithItsOwnSmallHeapAndNoJvmOptions() {
        PlatformMain.run(new String[] {"help", "--native"});
        List<String> command = rate().command();
        assertEquals(Path.of("/checkout/services/rate/target/kantor-rate-1.0.0-SNAPSHOT-runner").toString(), command.get(0));
        assertTrue(command.contains("-Xmx48m"), command.toString());
        assertFalse(command.contains("-jar") || command.contains("--add-opens") || command.contains("-XX:+UseSerialGC"), command.toString());
        assertTrue(command.contains("-Dquarkus.http.port=8084"), command.toString());
    }

    private static ServicePart rate() {
        return new ServicePart("rate", Path.of("/checkout"), 8084, ENDPOINTS, Path.of("/tmp/rate.log"), Map.of());
    }
}
