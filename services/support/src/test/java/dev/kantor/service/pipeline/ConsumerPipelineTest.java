package dev.kantor.service.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kantor.service.messaging.DeadLetter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

/**
 * The consumer pipeline's promises, for the consumer a service writes on it (LedgerConsumer): applied once, published
 * and dead-lettered before the ack, poison and refusals to the dead letter topic with why, transient failures of the
 * registry, the database, the broker and the dead-letter send retried (never acked as done, never dead-lettered),
 * and the channel consuming on. Records come through SmallRye's in-memory connector; the database is real.
 */
@QuarkusTest
@QuarkusTestResource(PipelineDatabase.class)
class ConsumerPipelineTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicLong OFFSETS = new AtomicLong();

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Faults faults;

    @Inject
    TestBroker broker;

    @Inject
    MeterRegistry metrics;

    @BeforeEach
    void reset() {
        faults.reset();
    }

    @Test
    void aRecordIsStoredOncePublishedThenAcked() throws Exception {
        String id = id();
        send(id, id + "|acc-1|12.5000");
        awaitJournal("acked:" + id);
        assertEquals(1, rows(id));
        assertBefore("published:" + id, "acked:" + id);
    }

    @Test
    void aRedeliveredRecordIsNotStoredTwiceButPublishedAgain() throws Exception {
        String id = id();
        send(id, id + "|acc-1|3");
        awaitJournal("acked:" + id);
        send(id, id + "|acc-1|3");
        await().atMost(WAIT).until(() -> count("acked:" + id) == 2);
        assertEquals(1, rows(id));
        assertEquals(2, count("published:" + id), "the stored outcome is published again, as after a crash before the ack");
    }

    @Test
    void poisonIsDeadLetteredWithWhyAndTheChannelConsumesOn() throws Exception {
        double before = deadLettered();
        String poison = id();
        long offset = send(poison, "not an entry");
        String next = id();
        send(next, next + "|acc-2|1");
        awaitJournal("acked:" + next);
        assertBefore("dead-lettered:" + poison, "acked:" + poison);
        OutgoingKafkaRecordMetadata<?> letter = letter(poison);
        assertTrue(header(letter, DeadLetter.REASON).startsWith("undecodable entry"), header(letter, DeadLetter.REASON));
        assertEquals("java.lang.ArrayIndexOutOfBoundsException", header(letter, DeadLetter.EXCEPTION));
        assertEquals("ledger-in", header(letter, DeadLetter.SOURCE_TOPIC));
        assertEquals(Long.toString(offset), header(letter, DeadLetter.SOURCE_OFFSET));
        assertEquals("ledger-service", header(letter, DeadLetter.CONSUMER_GROUP), "the channel's group.id");
        assertEquals("trace-1", header(letter, "traceparent"), "the original headers travel with it");
        assertEquals(1, rows(next));
        assertEquals(before + 1, deadLettered());
    }

    @Test
    void aRecordRefusedByRuleIsDeadLetteredAndNotStored() throws Exception {
        String id = id();
        send(id, id + "|acc-1|-5");
        awaitJournal("acked:" + id);
        assertEquals(0, rows(id));
        assertEquals("refused: amount must not be negative, was -5", header(letter(id), DeadLetter.REASON));
        assertEquals(0, count("published:" + id));
    }

    @Test
    void aFailedTransactionIsRolledBackAndRetriedUntilItCommits() throws Exception {
        double retries = retries("database");
        faults.database.set(2);
        String id = id();
        send(id, id + "|acc-3|7");
        awaitJournal("acked:" + id);
        assertEquals(2, count("database-failed"));
        assertEquals(1, rows(id), "the failed attempts' rows were rolled back, the last one's committed");
        assertEquals(retries + 2, retries("database"));
    }

    @Test
    void aFailedPublishIsRetriedAndTheAckWaitsForTheBroker() throws Exception {
        faults.publish.set(3);
        String id = id();
        send(id, id + "|acc-4|9");
        awaitJournal("acked:" + id);
        assertEquals(3, count("publish-failed:" + id));
        assertEquals(1, count("published:" + id));
        assertBefore("published:" + id, "acked:" + id);
        assertEquals(1, rows(id), "publishing again does not apply again");
    }

    @Test
    void theNextDeliveryIsAppliedWhileTheLastIsAtTheBrokerButNeitherIsAckedBeforeItsOwnArePublished() throws Exception {
        String first = id();
        String second = id();
        String third = id();
        CompletableFuture<Void> broker = new CompletableFuture<>();
        faults.held.put(first, broker);
        send(first, first + "|acc-8|1");
        awaitJournal("publish-held:" + first);
        send(second, second + "|acc-8|2");
        send(third, third + "|acc-8|3");
        // The second's transaction overlaps the first's publication...
        await().atMost(WAIT).until(() -> rows(second) == 1);
        // ...but no third delivery is taken while the first is still at the broker: two in flight per partition at most.
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> rows(third) == 0);
        assertEquals(0, count("acked:" + first));
        assertEquals(0, count("acked:" + second));
        assertEquals(0, count("publishing:" + second), "a partition's outcomes leave in the order they were decided");

        broker.complete(null);
        awaitJournal("acked:" + third);
        assertBefore("acked:" + first, "publishing:" + second);
        assertBefore("acked:" + second, "publishing:" + third);
        assertBefore("published:" + first, "acked:" + first);
        assertBefore("published:" + second, "acked:" + second);
        assertEquals(1, rows(third));
    }

    @Test
    void aPublicationRetriedAfterTheBrokerRefusedItStillLeavesBeforeTheNextDeliverysOutcomes() throws Exception {
        faults.publish.set(3);
        String first = id();
        String second = id();
        send(first, first + "|acc-9|1");
        send(second, second + "|acc-9|2");
        awaitJournal("acked:" + second);
        assertEquals(3, count("publish-failed:" + first));
        assertBefore("published:" + first, "publishing:" + second);
        assertBefore("published:" + first, "acked:" + first);
    }

    @Test
    void afterADeliveryFailedAtItsAckNothingLaterOfItsPartitionIsPublishedOrAcked() throws Exception {
        // A partition of its own: the pipeline remembers the failure for the rest of this application's life.
        String first = id();
        String second = id();
        sendTo(7, first, first + "|acc-10|1", () -> {
            faults.journal.add("ack-failed:" + first);
            return CompletableFuture.failedFuture(new IllegalStateException("commit refused"));
        });
        sendTo(7, second, second + "|acc-10|2", () -> ack(second));
        awaitJournal("nacked:" + first);
        awaitJournal("nacked:" + second);
        assertEquals(1, rows(second), "its transaction had committed: a restart redelivers it and publishes what it stored");
        assertEquals(0, count("publishing:" + second), "nothing overtakes the failed delivery's outcomes");
        assertEquals(0, count("acked:" + second));
        String other = id();
        send(other, other + "|acc-10|3");
        awaitJournal("acked:" + other);
    }

    @Test
    void aFailedDeadLetterSendIsRetriedAndTheAckWaitsForIt() {
        faults.deadLetter.set(2);
        String id = id();
        send(id, "garbage");
        awaitJournal("acked:" + id);
        assertEquals(2, count("dead-letter-failed:" + id));
        assertEquals(1, count("dead-lettered:" + id));
        assertBefore("dead-lettered:" + id, "acked:" + id);
    }

    @Test
    void anUnreachableRegistryIsRetriedNotDeadLettered() throws Exception {
        faults.registry.set(2);
        String id = id();
        send(id, id + "|acc-5|1");
        awaitJournal("acked:" + id);
        assertEquals(1, rows(id));
        assertEquals(0, count("dead-lettered:" + id));
    }

    @Test
    void aDeliveryThePipelineCannotReadIsNackedForTheChannelsFailureStrategy() throws Exception {
        String id = id();
        // No Kafka metadata: setting up fails synchronously; the pipeline must turn that into a nack (smallrye#1726),
        // never an ack, and leave the rest to the failure-strategy (the in-memory connector's lets the channel go on).
        connector.source("ledger-in").send(Message.of("x".getBytes(StandardCharsets.UTF_8), Metadata.empty(),
                () -> ack(id), failure -> nack(id, failure)));
        awaitJournal("nacked:" + id);
        String next = id();
        send(next, next + "|acc-6|2");
        awaitJournal("acked:" + next);
        assertEquals(0, count("acked:" + id));
    }

    @Test
    void aSqlClientTransactionCommitsItsRowsOnceAndRollsBackAFailedAttempt() throws Exception {
        double retries = metrics.counter("kantor.consumer.retries", "channel", "sql-ledger-in", "stage", "database").count();
        faults.sqlDatabase.set(2);
        String id = id();
        long offset = OFFSETS.incrementAndGet();
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("sql-ledger-in", 0, offset, id,
                (id + "|acc-7|4.25").getBytes(StandardCharsets.UTF_8));
        connector.source("sql-ledger-in").send(Message.of(record.value(),
                Metadata.of(new IncomingKafkaRecordMetadata<>(record, "sql-ledger-in")), () -> ack(id), failure -> nack(id, failure)));
        awaitJournal("acked:" + id);
        assertEquals(2, count("sql-database-failed"));
        assertEquals(1, rows(id), "the failed attempts' rows were rolled back (a committed one would fail every retry on its key)");
        assertEquals(retries + 2, metrics.counter("kantor.consumer.retries", "channel", "sql-ledger-in", "stage", "database").count());
    }

    // --- helpers ---

    private long send(String id, String value) {
        return sendTo(0, id, value, () -> ack(id));
    }

    private long sendTo(int partition, String id, String value, java.util.function.Supplier<java.util.concurrent.CompletionStage<Void>> ack) {
        long offset = OFFSETS.incrementAndGet();
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("ledger-in", partition, offset, id, value.getBytes(StandardCharsets.UTF_8));
        record.headers().add("traceparent", "trace-1".getBytes(StandardCharsets.UTF_8));
        Message<byte[]> message = Message.of(record.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(record, "ledger-in")),
                ack, failure -> nack(id, failure));
        connector.source("ledger-in").send(message);
        return offset;
    }

    private CompletableFuture<Void> ack(String id) {
        faults.journal.add("acked:" + id);
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> nack(String id, Throwable failure) {
        faults.journal.add("nacked:" + id);
        return CompletableFuture.completedFuture(null);
    }

    private static String id() {
        return "e-" + UUID.randomUUID();
    }

    private void awaitJournal(String entry) {
        await().atMost(WAIT).until(() -> faults.journal.contains(entry));
    }

    private long count(String entry) {
        return faults.journal.stream().filter(entry::equals).count();
    }

    private void assertBefore(String first, String then) {
        List<String> journal = new ArrayList<>(faults.journal);
        int a = journal.indexOf(first);
        int b = journal.indexOf(then);
        assertTrue(a >= 0 && a < b, first + " must come before " + then + ": " + journal);
    }

    private OutgoingKafkaRecordMetadata<?> letter(String key) {
        return broker.deadLetters.stream().map(m -> m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow())
                .filter(m -> key.equals(m.getKey())).findFirst().orElseThrow();
    }

    private static String header(OutgoingKafkaRecordMetadata<?> metadata, String name) {
        return new String(metadata.getHeaders().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private double deadLettered() {
        return metrics.counter("kantor.consumer.records", "channel", "ledger-in", "outcome", "dead-lettered").count();
    }

    private double retries(String stage) {
        return metrics.counter("kantor.consumer.retries", "channel", "ledger-in", "stage", stage).count();
    }

    private static int rows(String eventId) throws SQLException {
        try (Connection c = DriverManager.getConnection(PipelineDatabase.jdbcUrl(), PipelineDatabase.endpoints.postgresUser(),
                PipelineDatabase.endpoints.postgresPassword());
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pipeline_test_ledger WHERE event_id = ?")) {
            q.setString(1, eventId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
