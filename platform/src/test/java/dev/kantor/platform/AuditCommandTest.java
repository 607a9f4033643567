package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kantor audit` without a platform: where it looks by default, what its options change, and that it exits 2, saying
 * why, when it is misused or cannot reach what it audits. The audit itself is proved against the running system by
 * the end-to-end scenarios (src-native-tests).
 */
class AuditCommandTest {

    @TempDir
    Path home;

    private PlatformConfig config(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "41000",
                "KANTOR_POSTGRES_PORT", "41001", "KANTOR_REGISTRY_PORT", "41002"));
        env.putAll(more);
        return PlatformConfig.from(env, 1);
    }

    @Test
    void withoutAStateFileItLooksWhereTheKantorPortsSay() {
        AuditTarget target = AuditTarget.parse(List.of(), config(Map.of()));
        assertEquals("127.0.0.1:41000", target.bootstrapServers());
        assertEquals("jdbc:postgresql://127.0.0.1:41001/kantor", target.jdbcUrl());
        assertEquals("postgres", target.dbUser());
        assertEquals("http://127.0.0.1:41002/apis/registry/v2", target.registryApiV2());
        assertEquals(Map.of(), target.kafkaSecurity());
        assertEquals("", target.usersPrefix());
        assertEquals(Duration.ofSeconds(30), target.settle());
        assertEquals(20, target.limit());
    }

    @Test
    void anExternalPostgresAndASecuredBrokerAreTakenFromTheEnvironment() {
        AuditTarget target = AuditTarget.parse(List.of(), config(Map.of("KANTOR_POSTGRES_HOST", "db.example", "KANTOR_POSTGRES_USER", "ops",
                "KANTOR_POSTGRES_PASSWORD", "secret", "KANTOR_KAFKA_SECURE", "true")));
        assertEquals("jdbc:postgresql://db.example:41001/kantor", target.jdbcUrl());
        assertEquals("ops", target.dbUser());
        assertEquals("secret", target.dbPassword());
        assertEquals("SCRAM-SHA-512", target.kafkaSecurity().get("sasl.mechanism"));
        assertTrue(target.kafkaSecurity().get("sasl.jaas.config").contains("username=\"admin\""));
    }

    @Test
    void everyEndpointCanBeGivenExplicitly() {
        AuditTarget target = AuditTarget.parse(List.of("--bootstrap", "kafka:9092", "--db-url", "jdbc:postgresql://pg:5432/kantor",
                "--db-user", "auditor", "--db-password", "pw", "--registry", "http://registry:8080/", "--kafka-user", "auditor",
                "--kafka-password", "kpw", "--users", "alice", "--settle", "5", "--limit", "3"), config(Map.of()));
        assertEquals("kafka:9092", target.bootstrapServers());
        assertEquals("jdbc:postgresql://pg:5432/kantor", target.jdbcUrl());
        assertEquals("auditor", target.dbUser());
        assertEquals("pw", target.dbPassword());
        assertEquals("http://registry:8080/apis/registry/v2", target.registryApiV2());
        assertTrue(target.kafkaSecurity().get("sasl.jaas.config").contains("username=\"auditor\" password=\"kpw\""));
        assertEquals("alice", target.usersPrefix());
        assertEquals(Duration.ofSeconds(5), target.settle());
        assertEquals(3, target.limit());
        assertEquals("jdbc:postgresql://other/kantor",
                AuditTarget.parse(List.of("--jdbc", "jdbc:postgresql://other/kantor"), config(Map.of())).jdbcUrl());
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditTarget.parse(List.of("--settle", "soon"), config(Map.of())))
                .getMessage().contains("--settle"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditTarget.parse(List.of("--limit", "-1"), config(Map.of())))
                .getMessage().contains("--limit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditTarget.parse(List.of("--bootstrap"), config(Map.of())))
                .getMessage().contains("--bootstrap needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditTarget.parse(List.of("--kafka-user", "x"), config(Map.of())))
                .getMessage().contains("--kafka-password"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditTarget.parse(List.of("--detach"), config(Map.of())))
                .getMessage().contains("unknown option --detach"));
    }

    @Test
    void misuseExitsTwoWithTheUsage() {
        Output output = new Output();
        assertEquals(Audit.CANNOT_RUN, Audit.command(List.of("--settle"), config(Map.of()), output.out, output.err));
        assertTrue(output.err().contains("--settle needs a value"), output.err());
        assertTrue(output.err().contains("usage: kantor audit"), output.err());
    }

    @Test
    void anUnreachableDatabaseExitsTwoSayingWhich() {
        Output output = new Output();
        int port = Ports.any();
        assertEquals(Audit.CANNOT_RUN, Audit.command(List.of("--db-url", "jdbc:postgresql://127.0.0.1:" + port + "/kantor"),
                config(Map.of()), output.out, output.err));
        assertTrue(output.err().contains("cannot use the database jdbc:postgresql://127.0.0.1:" + port + "/kantor"), output.err());
        assertEquals("", output.out());
    }

    @Test
    void theReportCountsEveryDifferenceAndPrintsTheFirstOnes() {
        AuditReport.Findings ledger = new AuditReport.Findings(AuditRules.LEDGER, 2);
        for (int i = 0; i < 5; i++) {
            ledger.checked();
        }
        ledger.difference("account a EUR: ledger sum 1.0000, balance none");
        ledger.difference("account b EUR: ledger sum 2.0000, balance 1.0000");
        ledger.difference("account c EUR: ledger sum 3.0000, balance 1.0000");
        AuditReport.Findings wallet = new AuditReport.Findings(AuditRules.WALLET, 2);
        wallet.checked();
        AuditReport report = new AuditReport("target", "topics", List.of(ledger.rule(), wallet.rule()), 1, Duration.ZERO,
                Duration.ofSeconds(30)).after(4, Duration.ofMillis(3200));
        assertEquals(3, report.differences());
        assertEquals("3", report.result());
        String text = report.text();
        assertTrue(text.contains("account b EUR: ledger sum 2.0000, balance 1.0000"), text);
        assertTrue(!text.contains("account c EUR"), "only the first two: " + text);
        assertTrue(text.contains(AuditRules.LEDGER + ": the first 2 of 3"), text);
        assertTrue(text.endsWith("3 differences after 4 checks in 3.2 s (settle 30 s)\n"), text);
        AuditReport clean = new AuditReport("target", "topics", List.of(wallet.rule()), 1, Duration.ZERO, Duration.ZERO);
        assertEquals("clean", clean.result());
    }

    /** What a command printed on each stream. */
    private static final class Output {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
