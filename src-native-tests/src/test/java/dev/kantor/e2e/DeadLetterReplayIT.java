package dev.kantor.e2e;

import static dev.kantor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.Amounts;
import dev.kantor.events.EventSerializer;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.DltCommand;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.SchemaRegistryClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;

/**
 * `kantor dlt` against the packaged transaction service, as an operator uses it: a request written with a schema the
 * registry did not know yet is dead-lettered, the schema is registered, `dlt show` decodes the record, `dlt replay`
 * sends it back and it is applied exactly once (one approval, one ledger entry), a second replay is refused unless
 * forced, and a forced one changes nothing (the service knows the event id). A functional duplicate sent back is
 * dead-lettered again. Records are chosen by their offsets: other scenarios on the shared platform dead-letter too.
 */
class DeadLetterReplayIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** Not Scenario.USERS: the other scenarios audit their own users only, and these skip the account service. */
    static final String ACCOUNT = "dlt-" + RUN;
    /** The duplicates' own account, so that each test's balance is its own whatever their order. */
    static final String DUPLICATES = "dlt-dup-" + RUN;

    static PackagedServices services;
    static Endpoints endpoints;
    static KafkaTestClient kafka;
    static SchemaRegistryClient registry;
    static final List<String> artifacts = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        services = new PackagedServices(List.of("transaction"));
        endpoints = services.endpoints();
        kafka = new KafkaTestClient(endpoints);
        registry = new SchemaRegistryClient(endpoints.registryUrl());
        for (String account : List.of(ACCOUNT, DUPLICATES)) {
            kafka.send("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString()).setAccountId(account)
                    .setRequestId(UUID.randomUUID().toString()).setUserId("dlt-user-" + RUN).setBaseCurrency("EUR")
                    .setDisplayName("dead letters").setOpenedAt(now()).build());
        }
        // A request must not race its account across topics: wait until the service's view has both.
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> count("select count(*) from transaction.account_view where account_id like ?",
                "dlt-%" + RUN) == 2);
    }

    @AfterAll
    static void stop() {
        artifacts.forEach(registry::delete);
        if (kafka != null) {
            kafka.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void aRequestWithASchemaRegisteredLateIsReplayedAndAppliedExactlyOnce() throws Exception {
        TransactionRequested request = deposit(ACCOUNT, UUID.randomUUID().toString(), "12.3400");
        // A producer that wrote with a schema not registered yet: the next content id the registry will give.
        Schema later = withExtraField(TransactionRequested.getClassSchema(), "note" + RUN.replace("-", ""));
        String probe = artifact("probe");
        long next = registry.register(probe, withExtraField(TransactionRequested.getClassSchema(), "probe" + RUN.replace("-", "")).toString())
                .contentId() + 1;
        byte[] value = EventSerializer.serializeGeneric((int) next, asGeneric(request, later));

        ConsumerRecord<String, byte[]> dead;
        try (KafkaTestClient.Tail dlt = kafka.tail("transaction.dlt")) {
            kafka.sendRaw("transaction-requests", ACCOUNT, value, Map.of("event-id", request.getEventId(), "event-type", "TransactionRequested"));
            dead = dlt.awaitRaw(r -> request.getEventId().equals(header(r, "event-id")), 1, WAIT).get(0);
        }
        assertEquals("undecodable TransactionRequested: unknown schema id " + next, header(dead, "dead-letter-reason"));
        String place = dead.partition() + ":" + dead.offset();

        Result shown = dlt("show", "transaction.dlt", "--offsets", place);
        assertEquals(DltCommand.DONE, shown.code(), shown.all());
        assertTrue(shown.out().contains("reason:    undecodable TransactionRequested: unknown schema id " + next), shown.out());
        assertTrue(shown.out().contains("source:    transaction-requests "), shown.out());
        assertTrue(shown.out().contains("group:     transaction-service"), shown.out());
        assertTrue(shown.out().contains("payload:   schema id " + next + " unknown to the registry; "), shown.out());

        // The fix: the producer's schema registered, and given exactly the id the record carries.
        assertEquals(next, registry.register(artifact("late"), later.toString()).contentId(), "another registration came between");
        Result decoded = dlt("show", "transaction.dlt", "--offsets", place);
        assertTrue(decoded.out().contains("payload:   TransactionRequested (schema id " + next + ") {\"eventId\": \"" + request.getEventId()),
                decoded.out());

        try (KafkaTestClient.Tail approvals = kafka.tail("transactions")) {
            Result replayed = dlt("replay", "transaction.dlt", "--offsets", place);
            assertEquals(DltCommand.DONE, replayed.code(), replayed.all());
            assertTrue(replayed.out().contains("replayed 1, refused 0 of 1 record of transaction.dlt at " + place), replayed.out());
            TransactionApproved approved = approvals.await(TransactionApproved.class, a -> a.getTransactionId().equals(request.getTransactionId()),
                    1, WAIT).get(0);
            assertEquals(request.getEventId(), approved.getRequestEventId(), "the original event id came back");
            assertEquals(1, ledgerEntries(request.getTransactionId()));

            Map<String, Long> before = kafka.endOffsets("transaction-requests");
            Result again = dlt("replay", "transaction.dlt", "--offsets", place);
            assertEquals(DltCommand.REFUSED, again.code(), again.all());
            assertTrue(again.out().contains("refused  transaction.dlt " + place + ": already replayed "), again.out());
            assertEquals(before, kafka.endOffsets("transaction-requests"), "nothing sent");

            // Forced, it goes out again; the service knows the event id and re-publishes the same outcome, nothing more.
            Result forced = dlt("replay", "transaction.dlt", "--offsets", place, "--force");
            assertEquals(DltCommand.DONE, forced.code(), forced.all());
            List<TransactionApproved> both = approvals.await(TransactionApproved.class,
                    a -> a.getTransactionId().equals(request.getTransactionId()), 2, WAIT);
            assertEquals(List.of(approved.getEventId(), approved.getEventId()), both.stream().map(TransactionApproved::getEventId).toList());
            assertEquals(1, ledgerEntries(request.getTransactionId()));
            assertEquals(new BigDecimal("12.3400"), balance(ACCOUNT));
        }

        Result listed = dlt("list");
        assertEquals(DltCommand.DONE, listed.code(), listed.all());
        assertTrue(listed.out().contains("undecodable TransactionRequested: unknown schema id <n>"), listed.out());
        assertTrue(listed.out().matches("(?s).*transaction\\.dlt: \\d+ records?, oldest [^,]+, \\d+ replayed\n.*"), listed.out());
    }

    @Test
    void aFunctionalDuplicateSentBackIsDeadLetteredAgainAndNeverApplied() throws Exception {
        String transactionId = UUID.randomUUID().toString();
        TransactionRequested first = deposit(DUPLICATES, transactionId, "5.0000");
        TransactionRequested duplicate = deposit(DUPLICATES, transactionId, "7.0000");
        try (KafkaTestClient.Tail approvals = kafka.tail("transactions"); KafkaTestClient.Tail dlt = kafka.tail("transaction.dlt")) {
            kafka.send("transaction-requests", DUPLICATES, first);
            approvals.await(TransactionApproved.class, a -> a.getTransactionId().equals(transactionId), 1, WAIT);
            kafka.send("transaction-requests", DUPLICATES, duplicate);
            ConsumerRecord<String, byte[]> dead = dlt.awaitRaw(r -> duplicate.getEventId().equals(header(r, "event-id")), 1, WAIT).get(0);
            assertEquals("functional duplicate: transaction id " + transactionId + " was already used by event " + first.getEventId(),
                    header(dead, "dead-letter-reason"));
            String place = dead.partition() + ":" + dead.offset();

            Result replayed = dlt("replay", "transaction.dlt", "--offsets", place);
            assertEquals(DltCommand.DONE, replayed.code(), replayed.all());
            // The service remembers the duplicate's event id: back to the dead letters, by the same rule.
            List<ConsumerRecord<String, byte[]>> twice = dlt.awaitRaw(r -> duplicate.getEventId().equals(header(r, "event-id")), 2, WAIT);
            assertEquals("functional duplicate: transaction id " + transactionId + " was already used", header(twice.get(1), "dead-letter-reason"));
            assertEquals(String.valueOf(replayed.sentOffset()), header(twice.get(1), "dead-letter-offset"), "the replayed record itself");
            assertEquals(1, approvals.seen(TransactionApproved.class, a -> a.getTransactionId().equals(transactionId)).size());
            assertEquals(1, ledgerEntries(transactionId));
            assertEquals(new BigDecimal("5.0000"), balance(DUPLICATES));

            Result again = dlt("replay", "transaction.dlt", "--offsets", place);
            assertEquals(DltCommand.REFUSED, again.code(), again.all());
            assertTrue(again.out().contains("already replayed"), again.out());
        }
    }

    @Test
    void anAbsentTopicOrAMissingOffsetIsExit2SayingSo() {
        Result absent = dlt("show", "nothing-" + RUN + ".dlt");
        assertEquals(DltCommand.CANNOT_RUN, absent.code(), absent.all());
        assertTrue(absent.err().contains("kantor dlt: no topic nothing-" + RUN + ".dlt at " + endpoints.kafkaBootstrapServers()), absent.err());
        Result missing = dlt("replay", "transaction.dlt", "--offsets", "0:999999999");
        assertEquals(DltCommand.CANNOT_RUN, missing.code(), missing.all());
        assertTrue(missing.err().contains("no record of transaction.dlt at 0:999999999"), missing.err());
    }

    /** What a command printed, and where a single replay sent its record. */
    record Result(int code, String out, String err) {

        String all() {
            return out + err;
        }

        long sentOffset() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("-> transaction-requests \\d+@(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            return Long.parseLong(m.group(1));
        }
    }

    /** The command as an operator runs it, pointed at the test platform's endpoints. */
    static Result dlt(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--bootstrap", endpoints.kafkaBootstrapServers(), "--registry", endpoints.registryUrl()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DltCommand.command(line, LocalPlatform.fromEnvironment().config(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.print("$ kantor dlt " + String.join(" ", args) + "\n" + result.all());
        return result;
    }

    static TransactionRequested deposit(String account, String transactionId, String amount) {
        return TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString()).setTransactionId(transactionId)
                .setAccountId(account).setUserId("dlt-user-" + RUN).setKind(TransactionKind.DEPOSIT)
                .setAmount(Amounts.money(new BigDecimal(amount), "EUR")).setRequestedAt(now()).build();
    }

    /** The event's schema with one more optional field: what a newer producer might write. */
    static Schema withExtraField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), "added by a newer producer", ""));
        Schema extended = Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
        return new Schema.Parser().parse(extended.toString());
    }

    static GenericRecord asGeneric(TransactionRequested request, Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            if (TransactionRequested.getClassSchema().getField(field.name()) == null) {
                record.put(field.name(), "sent before its schema was registered");
                continue;
            }
            Object value = request.get(field.name());
            if (value instanceof Enum<?> symbol) {
                value = new GenericData.EnumSymbol(field.schema(), symbol.name());
            } else if (value instanceof dev.kantor.events.Money money) {
                GenericRecord amount = new GenericData.Record(field.schema());
                amount.put("amount", money.getAmount());
                amount.put("currency", money.getCurrency());
                value = amount;
            }
            record.put(field.name(), value);
        }
        return record;
    }

    static String artifact(String name) {
        String id = "dlt-replay-it-" + name + "-" + RUN;
        artifacts.add(id);
        return id;
    }

    static long ledgerEntries(String transactionId) throws Exception {
        return count("select count(*) from transaction.ledger_entry where transaction_id = ?", transactionId);
    }

    static BigDecimal balance(String account) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select amount from transaction.balance where account_id = ? and currency = 'EUR'")) {
            query.setString(1, account);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getBigDecimal(1) : BigDecimal.ZERO;
            }
        }
    }

    static long count(String sql, String parameter) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
