package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The command line of `kantor topology`: a usage error is exit 2 and says why, before any broker is asked. */
class TopologyCommandTest {

    @Test
    void usageErrorsExitTwoAndSayWhy() {
        assertUsage(List.of(), "say plan or apply");
        assertUsage(List.of("diff"), "say plan or apply");
        assertUsage(List.of("plan", "--force"), "unknown option --force");
        assertUsage(List.of("plan", "--topology", "moon"), "--topology is exchange or vessel, not moon");
        assertUsage(List.of("apply", "--command-config"), "--command-config needs a value");
        assertUsage(List.of("apply", "--command-config", "/no/such/file.properties"), "cannot read --command-config /no/such/file.properties");
        assertUsage(List.of("plan", "--bootstrap"), "--bootstrap needs a value");
        assertUsage(List.of("plan", "--kafka-user", "ops", "--kafka-password", "x", "--command-config", "/dev/null"),
                "--command-config and --kafka-user are alternatives");
    }

    @Test
    void helpExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, TopologyCommand.command(List.of("--help"), PlatformConfig.fromEnvironment(1),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("exit 0 nothing to change"));
    }

    private static void assertUsage(List<String> args, String reason) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TopologyCommand.command(args, PlatformConfig.fromEnvironment(1), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(TopologyCommand.USAGE_ERROR, code, args.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kantor topology: " + reason), err.toString(StandardCharsets.UTF_8));
    }
}
