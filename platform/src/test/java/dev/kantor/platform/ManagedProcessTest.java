package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

    @TempDir
    Path dir;

    @Test
    void aPartThatDiesBeforeItIsHealthyFailsFastWithTheTailOfItsLog() {
        ManagedProcess process = new ManagedProcess("doomed", List.of("sh", "-c", "echo starting; echo 'FATAL: no luck' >&2; exit 3"),
                dir, dir.resolve("doomed.log"), Map.of());
        process.start();
        PlatformException error = assertThrows(PlatformException.class,
                () -> process.awaitHealthy(Duration.ofSeconds(30), () -> false));
        assertTrue(error.getMessage().contains("doomed exited with code 3"), error.getMessage());
        assertTrue(error.getMessage().contains("FATAL: no luck"), error.getMessage());
    }

    @Test
    void aPartThatNeverBecomesHealthyTimesOutWithItsLog() {
        ManagedProcess process = new ManagedProcess("sleepy", List.of("sh", "-c", "echo waiting for nothing; exec sleep 60"),
                dir, dir.resolve("sleepy.log"), Map.of());
        process.start();
        try {
            PlatformException error = assertThrows(PlatformException.class,
                    () -> process.awaitHealthy(Duration.ofSeconds(1), () -> false));
            assertTrue(error.getMessage().contains("not healthy within 1 s"), error.getMessage());
            assertTrue(error.getMessage().contains("waiting for nothing"), error.getMessage());
        } finally {
            process.stop(Duration.ofSeconds(5));
        }
        assertTrue(!process.alive());
    }

    @Test
    void aTakenPortIsRefusedWithItsPurpose() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            PlatformException error = assertThrows(PlatformException.class,
                    () -> Ports.requireFree(taken.getLocalPort(), "kafka"));
            assertTrue(error.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 (kafka) is already in use"),
                    error.getMessage());
        }
    }
}
