package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kantor dlt` without a broker: reading the dead-letter headers, grouping reasons, selecting records, deciding what
 * a replay sends or refuses, printing a record, and the usage errors (exit 2). The commands against a real broker
 * and the transaction service are DeadLetterReplayIT (src-native-tests).
 */
class DltCommandTest {

    @TempDir
    Path home;

    static DeadLetterRecord letter(long offset, String reason, String source, Instant at) {
        List<Header> headers = new ArrayList<>(List.of(header("event-id", "e-" + offset), header("event-type", "TransactionRequested"),
                header("dead-letter-reason", reason)));
        if (source != null) {
            headers.addAll(List.of(header("dead-letter-topic", source), header("dead-letter-partition", "2"),
                    header("dead-letter-offset", "40" + offset), header("dead-letter-consumer-group", "transaction-service")));
        }
        return new DeadLetterRecord("transaction.dlt", 0, offset, at, "acc-1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 9, 1},
                headers);
    }

    static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeadLetterSaysWhyAndWhereFromAndKeepsTheRecordsOwnHeadersForTheReplay() {
        DeadLetterRecord record = letter(3, "undecodable TransactionRequested: unknown schema id 9", "transaction-requests", Instant.EPOCH);
        assertEquals("transaction.dlt/0/3", record.id());
        assertEquals("undecodable TransactionRequested: unknown schema id 9", record.reason());
        assertEquals("transaction-requests 2@403", record.source());
        assertEquals("transaction-service", record.consumerGroup());
        assertEquals(Optional.empty(), record.exception(), "refused by a rule, not by an exception");
        assertEquals(List.of("event-id", "event-type"), record.originalHeaders().stream().map(Header::key).toList());
        assertEquals(Optional.empty(), letter(4, "x", null, Instant.EPOCH).sourceTopic());
    }

    @Test
    void reasonsAreGroupedWithTheirIdsAndNumbersMasked() {
        List<DeadLetterRecord> records = List.of(
                letter(0, "functional duplicate: transaction id 7f3e1c2a-0000-4000-8000-000000000001 was already used", "t", Instant.parse("2026-01-02T00:00:00Z")),
                letter(1, "undecodable TransactionRequested: unknown schema id 41", "t", Instant.parse("2026-01-01T00:00:00Z")),
                letter(2, "functional duplicate: transaction id 7f3e1c2a-0000-4000-8000-000000000002 was already used", "t", Instant.parse("2026-01-03T00:00:00Z")),
                letter(3, "undecodable TransactionRequested: unknown schema id 42", "t", Instant.parse("2026-01-04T00:00:00Z")),
                letter(4, "contract violated: eventId, transactionId and accountId are required", "t", Instant.parse("2026-01-05T00:00:00Z")));
        DltSummary summary = DltSummary.of("transaction.dlt", records, 1);
        assertEquals(5, summary.count());
        assertEquals(Optional.of(Instant.parse("2026-01-01T00:00:00Z")), summary.oldest());
        assertEquals(List.of(Map.entry("functional duplicate: transaction id <id> was already used", 2L),
                Map.entry("undecodable TransactionRequested: unknown schema id <n>", 2L),
                Map.entry("contract violated: eventId, transactionId and accountId are required", 1L)),
                List.copyOf(summary.reasons().entrySet()), "most frequent first");
        assertEquals("""
                transaction.dlt: 5 records, oldest 2026-01-01T00:00:00Z, 1 replayed
                       2  functional duplicate: transaction id <id> was already used
                       2  undecodable TransactionRequested: unknown schema id <n>
                       1  contract violated: eventId, transactionId and accountId are required
                """, summary.text());
    }

    @Test
    void aTallyCountsTheRecordsTheReplayLogHolds() {
        DltSummary.Tally tally = new DltSummary.Tally("transaction.dlt", java.util.Set.of("transaction.dlt/0/1", "wallet.dlt/0/0"));
        tally.add(letter(0, "r", "t", Instant.parse("2026-01-02T00:00:00Z")));
        tally.add(letter(1, "r", "t", Instant.parse("2026-01-01T00:00:00Z")));
        DltSummary summary = tally.summary();
        assertEquals(2, summary.count());
        assertEquals(1, summary.replayed());
        assertEquals(Optional.of(Instant.parse("2026-01-01T00:00:00Z")), summary.oldest());
    }

    @Test
    void theDeadLetterTopicsAreThoseOfTheTopologyTheClusterHoldsAndAnyOtherDlt() {
        assertEquals(List.of("account.dlt", "transaction.dlt", "wallet.dlt", "gateway.dlt", "fleet-analytics.dlt"),
                DltCluster.deadLetterTopics(java.util.Set.of("transactions", "transaction.dlt", "fleet-analytics.dlt")),
                "the exchange's, present or not");
        assertEquals(List.of("fleet-edge.dlt"), DltCluster.deadLetterTopics(java.util.Set.of("reefer-readings", "kantor.dlt-replays")),
                "a vessel's cluster");
        assertEquals(List.of(), DltCluster.deadLetterTopics(java.util.Set.of("kantor.dlt-replays")));
    }

    @Test
    void anEmptyOrAbsentTopicIsSaidSo() {
        assertEquals("wallet.dlt: empty\n", DltSummary.of("wallet.dlt", List.of(), 0).text());
        assertEquals("fleet-edge.dlt: absent (no such topic on this cluster)\n", DltSummary.absent("fleet-edge.dlt").text());
    }

    @Test
    void aSelectionByReasonOrByPlaceNamesWhatItMissed() {
        List<DeadLetterRecord> records = List.of(letter(0, "functional duplicate: a", "t", Instant.EPOCH),
                letter(1, "undecodable TransactionRequested: unknown schema id 9", "t", Instant.EPOCH));
        assertEquals(List.of(1L), DltSelection.reason("unknown schema").select(records).stream().map(DeadLetterRecord::offset).toList());
        assertEquals(2, DltSelection.all().select(records).size());
        DltSelection places = DltSelection.offsets("0:1, 0:7,3:0");
        assertEquals(List.of(1L), places.select(records).stream().map(DeadLetterRecord::offset).toList());
        assertEquals("[0:7, 3:0]", places.missing(records).toString());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DltSelection.offsets("0:1,x"));
        assertTrue(bad.getMessage().contains("'x'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DltSelection.offsets("0:-1"));
        assertThrows(IllegalArgumentException.class, () -> DltSelection.reason(" "));
    }

    @Test
    void aReplaySendsWhatWasNotReplayedAndRefusesTheRestUnlessForced() {
        DeadLetterRecord fresh = letter(0, "r", "transaction-requests", Instant.EPOCH);
        DeadLetterRecord done = letter(1, "r", "transaction-requests", Instant.EPOCH);
        DeadLetterRecord orphan = letter(2, "r", null, Instant.EPOCH);
        Map<String, ReplayLog.Entry> log = Map.of(done.id(),
                new ReplayLog.Entry(done.id(), Instant.parse("2026-01-01T00:00:00Z"), "transaction-requests", 2, 77, 1));
        ReplayPlan plan = ReplayPlan.of(List.of(fresh, done, orphan), log, false);
        assertEquals(List.of(fresh), plan.toSend());
        assertEquals(List.of("transaction.dlt 0:1: already replayed 2026-01-01T00:00:00Z -> transaction-requests 2@77 (--force sends it again)",
                "transaction.dlt 0:2: no dead-letter-topic header, so no topic to send it back to"), plan.refusals());
        ReplayPlan forced = ReplayPlan.of(List.of(fresh, done, orphan), log, true);
        assertEquals(List.of(fresh, done), forced.toSend());
        assertEquals(1, forced.refusals().size(), "forcing never invents a source topic");
    }

    @Test
    void theReplayLogEntryRoundTrips() {
        ReplayLog.Entry entry = new ReplayLog.Entry("transaction.dlt/0/3", Instant.parse("2026-01-01T00:00:00Z"), "transaction-requests", 1, 5, 2);
        assertEquals(entry, ReplayLog.decode("transaction.dlt/0/3", ReplayLog.encode(entry)));
        assertEquals("transaction-requests 1@5 (2 times)", entry.describe().substring(entry.describe().indexOf("-> ") + 3));
        assertEquals(-1, ReplayLog.decode("k", "not json".getBytes(StandardCharsets.UTF_8)).offset(), "still counts as replayed");
    }

    @Test
    void aRecordIsPrintedWithEverythingAnOperatorDecidesOn() {
        DeadLetterRecord record = letter(3, "undecodable TransactionRequested: unknown schema id 9", "transaction-requests",
                Instant.parse("2026-01-01T00:00:00Z"));
        String text = DltFormat.text(record, Optional.empty(), PayloadDecoder::preview);
        assertEquals("""
                transaction.dlt 0:3  dead-lettered 2026-01-01T00:00:00Z
                  reason:    undecodable TransactionRequested: unknown schema id 9
                  source:    transaction-requests 2@403
                  group:     transaction-service
                  key:       acc-1
                  headers:   event-id=e-3, event-type=TransactionRequested
                  replayed:  no
                  payload:   6 bytes, hex 000000000901, base64 AAAAAAkB
                """, text);
    }

    @Test
    void aLongValueIsPreviewedByItsFirstBytes() {
        String preview = PayloadDecoder.preview(new byte[1000]);
        assertTrue(preview.startsWith("1000 bytes, hex " + "00".repeat(PayloadDecoder.PREVIEW_BYTES) + "..."), preview);
        assertTrue(!preview.contains("base64"), preview);
    }

    @Test
    void misuseIsAUsageErrorWithExit2() {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("purge"), List.of("show"), List.of("replay"), List.of("list", "wallet.dlt"),
                List.of("replay", "transaction.dlt", "--reason", "a", "--offsets", "0:1"), List.of("show", "transaction.dlt", "--force"),
                List.of("show", "transaction.dlt", "--offsets", "zero"), List.of("show", "a.dlt", "b.dlt"),
                List.of("show", "transaction.dlt", "--bootstrap"), List.of("show", "transaction.dlt", "--kafka-user", "ops"),
                List.of("replay", "transaction.dlt", "--dry-run"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = DltCommand.command(args, config(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
            assertEquals(DltCommand.CANNOT_RUN, code, args.toString());
            assertTrue(err.toString().startsWith("kantor dlt: "), args + ": " + err);
            assertTrue(err.toString().contains("usage: kantor dlt list"), args + ": " + err);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(DltCommand.DONE, DltCommand.command(List.of("--help"), config(), new PrintStream(out), System.err));
        assertTrue(out.toString().contains("kantor dlt replay TOPIC"), out.toString());
    }

    @Test
    void theCommandLineIsParsed() {
        DltCommand.Request replay = DltCommand.Request.parse(List.of("replay", "transaction.dlt", "--offsets", "0:3", "--force"));
        assertEquals(Optional.of("transaction.dlt"), replay.topic());
        assertTrue(replay.force());
        assertEquals("at 0:3", replay.selection().describe());
        assertEquals("with a reason containing 'dup'", DltCommand.Request.parse(List.of("show", "--reason", "dup", "wallet.dlt"))
                .selection().describe());
        List<String> rest = new ArrayList<>();
        DltTarget target = DltTarget.parse(List.of("show", "--bootstrap", "kafka:9092", "x.dlt", "--registry", "http://r:8080",
                "--kafka-user", "ops", "--kafka-password", "pw"), config(), rest);
        assertEquals(List.of("show", "x.dlt"), rest);
        assertEquals("kafka:9092", target.bootstrapServers());
        assertEquals("http://r:8080/apis/registry/v2", target.registryApiV2());
        assertTrue(target.kafkaSecurity().get("sasl.jaas.config").contains("username=\"ops\""));
        DltTarget local = DltTarget.parse(List.of("list"), config(), new ArrayList<>());
        assertEquals("127.0.0.1:41000", local.bootstrapServers(), "the audit's default: the KANTOR_* ports");
    }

    private PlatformConfig config() {
        return PlatformConfig.from(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "41000", "KANTOR_POSTGRES_PORT", "41001",
                "KANTOR_REGISTRY_PORT", "41002"), 1);
    }
}
