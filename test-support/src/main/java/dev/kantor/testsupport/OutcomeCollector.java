package dev.kantor.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import dev.kantor.events.EventDecoder;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.platform.Endpoints;

/**
 * Reads every transaction outcome (transactions and transactions-rejected) from the moment it is created, on its
 * own thread, and indexes them by transaction id: which outcome event ids each got, and when the first arrived.
 * For crash tests and benchmarks that count tens of thousands of outcomes.
 */
public final class OutcomeCollector implements AutoCloseable {

    /** What became of one transaction id: every distinct outcome event id, the last outcome, the first arrival. */
    public static final class Outcome {
        public final Set<String> eventIds = ConcurrentHashMap.newKeySet();
        public volatile Object event;
        public volatile long firstSeenNanos;
        public volatile int deliveries;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder decoder;
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile RuntimeException failure;
    private volatile boolean closed;

    public OutcomeCollector(Endpoints endpoints) {
        decoder = new EventDecoder(endpoints.registryApiV2());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new java.util.ArrayList<>();
        for (String topic : List.of("transactions", "transactions-rejected")) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        poller = new Thread(this::poll, "outcome-collector");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Object event = record.topic().equals("transactions")
                            ? decoder.decode(record.value(), TransactionApproved.class)
                            : decoder.decode(record.value(), TransactionRejected.class);
                    String transactionId = event instanceof TransactionApproved a ? a.getTransactionId()
                            : ((TransactionRejected) event).getTransactionId();
                    String eventId = event instanceof TransactionApproved a ? a.getEventId()
                            : ((TransactionRejected) event).getEventId();
                    Outcome outcome = outcomes.computeIfAbsent(transactionId, id -> {
                        Outcome created = new Outcome();
                        created.firstSeenNanos = now;
                        return created;
                    });
                    outcome.eventIds.add(eventId);
                    outcome.event = event;
                    outcome.deliveries++;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            failure = new IllegalStateException("the outcome collector failed", e);
        } finally {
            consumer.close();
        }
    }

    /** How many distinct transaction ids have an outcome. */
    public int transactions() {
        check();
        return outcomes.size();
    }

    public Outcome outcome(String transactionId) {
        return outcomes.get(transactionId);
    }

    /** Waits until every one of the given ids has an outcome. */
    public void awaitAll(Set<String> transactionIds, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    check();
                    return transactionIds.stream().allMatch(outcomes::containsKey);
                });
    }

    /**
     * Drops what was collected for these ids (a benchmark's warm-up), so that a long run does not keep every outcome
     * it has seen: the heap it grew made the collector's JVM mark it concurrently, on the cores being measured.
     */
    public void forget(java.util.Collection<String> transactionIds) {
        transactionIds.forEach(outcomes::remove);
    }

    /** Waits until at least {@code count} distinct transactions have an outcome. */
    public void awaitTransactions(int count, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> transactions() >= count);
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
