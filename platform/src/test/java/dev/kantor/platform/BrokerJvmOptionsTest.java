package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A broker's JVM options, and what KANTOR_KAFKA_JAVA_OPTS may change in them. */
class BrokerJvmOptionsTest {

    private static final Path GC_LOG = Path.of("/tmp/node-1/gc.log");

    @Test
    void byDefaultG1WithKafkasPauseGoalAndAGcLog() {
        List<String> options = KafkaCluster.jvmOptions("512m", GC_LOG, null);
        assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Xlog:gc:file=/tmp/node-1/gc.log:time:filecount=2,filesize=5M"), options);
        assertEquals(options, KafkaCluster.jvmOptions("512m", GC_LOG, "  "));
    }

    @Test
    void anotherCollectorReplacesG1InsteadOfConflictingWithIt() {
        List<String> options = KafkaCluster.jvmOptions("512m", GC_LOG, "-XX:+UseSerialGC  -Xmn128m");
        assertFalse(options.contains("-XX:+UseG1GC") || options.contains("-XX:MaxGCPauseMillis=20"), options.toString());
        assertEquals(List.of("-XX:+UseSerialGC", "-Xmn128m"), options.subList(options.size() - 2, options.size()));
    }

    @Test
    void otherOptionsComeAfterTheDefaultsSoThatTheyWin() {
        List<String> options = KafkaCluster.jvmOptions("512m", GC_LOG, "-Xmx1g -XX:StartFlightRecording=filename=/tmp/b.jfr");
        assertTrue(options.contains("-XX:+UseG1GC"), options.toString());
        assertTrue(options.indexOf("-Xmx1g") > options.indexOf("-Xmx512m"), options.toString());
        assertEquals("-XX:StartFlightRecording=filename=/tmp/b.jfr", options.get(options.size() - 1));
    }
}
