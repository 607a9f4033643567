package dev.kantor.service.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.kantor.service.config.Backoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** The one dead-letter path every consumer uses: what a dead letter carries, and that its send is retried until the broker has it. */
class DeadLetterTest {

    static final Backoff FAST = new Backoff() {
        public Duration initial() {
            return Duration.ofMillis(1);
        }

        public Duration max() {
            return Duration.ofMillis(5);
        }
    };

    final SourceRecord record = new SourceRecord("transaction-requests", 2, 41L, "acc-1", new byte[] {1, 2, 3},
            new RecordHeaders().add("event-id", "e-1".getBytes(StandardCharsets.UTF_8)));

    @Test
    void aDeadLetterKeepsTheRecordAndSaysWhyWhereFromAndWhoGaveUp() {
        Message<byte[]> letter = DeadLetter.of(record, "undecodable", new IllegalStateException("bad magic byte"), "transaction-service");
        assertArrayEquals(new byte[] {1, 2, 3}, letter.getPayload());
        OutgoingKafkaRecordMetadata<?> metadata = letter.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertEquals("acc-1", metadata.getKey());
        assertEquals("e-1", header(metadata, "event-id"), "the original headers travel with it");
        assertEquals("undecodable", header(metadata, DeadLetter.REASON));
        assertEquals("java.lang.IllegalStateException", header(metadata, DeadLetter.EXCEPTION));
        assertEquals("bad magic byte", header(metadata, DeadLetter.CAUSE));
        assertEquals("transaction-requests", header(metadata, DeadLetter.SOURCE_TOPIC));
        assertEquals("2", header(metadata, DeadLetter.SOURCE_PARTITION));
        assertEquals("41", header(metadata, DeadLetter.SOURCE_OFFSET));
        assertEquals("transaction-service", header(metadata, DeadLetter.CONSUMER_GROUP));
    }

    @Test
    void aRecordWithoutValueOrCauseStillGetsALetter() {
        SourceRecord empty = new SourceRecord("accounts", 0, 0L, null, null, null);
        Message<byte[]> letter = DeadLetter.of(empty, "tombstone", null, "g");
        assertEquals(0, letter.getPayload().length);
        OutgoingKafkaRecordMetadata<?> metadata = letter.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertEquals("tombstone", header(metadata, DeadLetter.REASON));
        assertNull(metadata.getHeaders().lastHeader(DeadLetter.EXCEPTION), "a rule's refusal names no exception");
    }

    @Test
    void theHeadersAreSmallRyesDeadLetterQueueNames() {
        // A tool written for SmallRye's own DLQ reads ours: the same names for the same facts.
        assertEquals("dead-letter-reason", DeadLetter.REASON);
        assertEquals("dead-letter-exception-class-name", DeadLetter.EXCEPTION);
        assertEquals("dead-letter-cause", DeadLetter.CAUSE);
        assertEquals("dead-letter-topic", DeadLetter.SOURCE_TOPIC);
        assertEquals("dead-letter-partition", DeadLetter.SOURCE_PARTITION);
        assertEquals("dead-letter-offset", DeadLetter.SOURCE_OFFSET);
    }

    @Test
    void aFailedSendIsRetriedUntilTheBrokerHasTheLetter() {
        AtomicInteger attempts = new AtomicInteger();
        List<Message<byte[]>> delivered = new ArrayList<>();
        MutinyEmitter<byte[]> brokerDownTwice = emitter(message -> {
            if (attempts.incrementAndGet() <= 2) {
                return Uni.createFrom().failure(new RuntimeException("broker unreachable"));
            }
            delivered.add(message);
            return Uni.createFrom().voidItem();
        });
        DeadLetter.send(brokerDownTwice, record, "poison", null, "g", FAST)
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(3, attempts.get());
        assertEquals(1, delivered.size(), "sent once it worked, not once per attempt");
    }

    private static String header(OutgoingKafkaRecordMetadata<?> metadata, String name) {
        return new String(metadata.getHeaders().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** An emitter whose sendMessage answers as {@code broker} says; nothing else of it is used. */
    @SuppressWarnings("unchecked")
    private static MutinyEmitter<byte[]> emitter(java.util.function.Function<Message<byte[]>, Uni<Void>> broker) {
        return (MutinyEmitter<byte[]>) Proxy.newProxyInstance(DeadLetterTest.class.getClassLoader(), new Class<?>[] {MutinyEmitter.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendMessage")) {
                        return broker.apply((Message<byte[]>) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
