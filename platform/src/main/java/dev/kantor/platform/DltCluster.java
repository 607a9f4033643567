package dev.kantor.platform;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kantor.topology.Topology;

/**
 * The broker side of `kantor dlt`: which dead-letter topics there are, their records read whole (they are small and
 * kept 30 days), the replay log, and the replay itself. Reads are read_committed: a replay aborted half-way is not
 * in the log.
 */
final class DltCluster implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final DltTarget target;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    DltCluster(DltTarget target) {
        this.target = target;
        Map<String, Object> adminConfig = target.clientConfig("kantor-dlt-admin");
        adminConfig.put("default.api.timeout.ms", (int) TIMEOUT.toMillis());
        adminConfig.put("request.timeout.ms", 10_000);
        admin = Admin.create(adminConfig);
        Map<String, Object> config = target.clientConfig("kantor-dlt");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The topics on the cluster. */
    Set<String> topics() {
        try {
            return new TreeSet<>(admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new PlatformException("cannot list the topics at " + target.bootstrapServers() + ": " + cause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        }
    }

    /**
     * The dead-letter topics of the topology the cluster holds (the exchange's, or a vessel's: fleet-edge.dlt), present
     * or not, so that a missing one shows; then any other *.dlt topic on the cluster.
     */
    static List<String> deadLetterTopics(Set<String> existing) {
        Set<String> names = new LinkedHashSet<>();
        for (Topology topology : List.of(Topology.load(), Topology.vessel())) {
            List<String> declared = topology.topics().stream().map(Topology.TopicSpec::name).toList();
            if (declared.stream().anyMatch(n -> !n.endsWith(".dlt") && !n.equals(ReplayLog.TOPIC) && existing.contains(n))) {
                declared.stream().filter(n -> n.endsWith(".dlt")).forEach(names::add);
            }
        }
        existing.stream().filter(n -> n.endsWith(".dlt")).sorted().forEach(names::add);
        return List.copyOf(names);
    }

    /** Every record of the topic up to its end offsets of now, one at a time: a topic of 30 days need not fit in memory. */
    void forEach(String topic, java.util.function.Consumer<DeadLetterRecord> each) {
        readWhole(topic, record -> each.accept(DeadLetterRecord.of(record)));
    }

    /** The records of the topic the selection matches, in time order, and how many it holds in all. */
    Selected select(String topic, DltSelection selection) {
        List<DeadLetterRecord> matching = new ArrayList<>();
        long[] total = {0};
        forEach(topic, record -> {
            total[0]++;
            if (selection.matches(record)) {
                matching.add(record);
            }
        });
        matching.sort(Comparator.comparing(DeadLetterRecord::timestamp).thenComparingInt(DeadLetterRecord::partition)
                .thenComparingLong(DeadLetterRecord::offset));
        return new Selected(List.copyOf(matching), total[0]);
    }

    /** What {@link #select} found. */
    record Selected(List<DeadLetterRecord> records, long total) {
    }

    /** The replay log's entries for one dead-letter topic, by dead letter id; empty when the log is absent. */
    Map<String, ReplayLog.Entry> replays(String deadLetterTopic, Set<String> existing) {
        Map<String, ReplayLog.Entry> entries = new LinkedHashMap<>();
        if (!existing.contains(ReplayLog.TOPIC)) {
            return entries;
        }
        String prefix = deadLetterTopic + "/";
        readWhole(ReplayLog.TOPIC, record -> {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(prefix)) {
                return;
            }
            if (record.value() == null) {
                entries.remove(key);
            } else {
                entries.put(key, ReplayLog.decode(key, record.value()));
            }
        });
        return entries;
    }

    private void readWhole(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                var batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
                if (!batch.isEmpty()) {
                    deadline = Instant.now().plus(TIMEOUT);
                } else if (Instant.now().isAfter(deadline)) {
                    throw new PlatformException("no progress reading " + topic + " at " + target.bootstrapServers() + " for "
                            + TIMEOUT.toSeconds() + " s");
                }
            }
            consumer.unsubscribe();
        } catch (KafkaException e) {
            throw new PlatformException("cannot read " + topic + " at " + target.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /** What a replay planned, and the log entries of what it sent (in the plan's order). */
    record Replayed(ReplayPlan plan, List<ReplayLog.Entry> sent) {
    }

    /**
     * Sends the records {@code planner} chooses back to their source topics, each with its original key, value and
     * headers (so its event id too), and writes their replay log entries, all in one Kafka transaction: the log holds
     * what was sent, and no more. The transactional id is the dead-letter topic's, and the plan is made from the log
     * read (committed records only) after this producer took that id: a second operator's replay of the same topic
     * either committed before, and its entries refuse the same records here, or is fenced.
     */
    Replayed replay(String deadLetterTopic, java.util.function.Function<Map<String, ReplayLog.Entry>, ReplayPlan> planner) {
        Map<String, Object> config = target.clientConfig("kantor-dlt-replay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kantor-dlt-replay-" + deadLetterTopic);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        List<ReplayLog.Entry> done = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            Map<String, ReplayLog.Entry> earlier = replays(deadLetterTopic, Set.of(ReplayLog.TOPIC));
            ReplayPlan plan = planner.apply(earlier);
            List<DeadLetterRecord> records = plan.toSend();
            if (records.isEmpty()) {
                return new Replayed(plan, List.of());
            }
            producer.beginTransaction();
            try {
                // Sent together and then waited for, not one round trip each: the transaction has a timeout.
                List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
                for (DeadLetterRecord record : records) {
                    // No partition: the key's partition, as the original producer chose it (the same while the topic
                    // keeps its partition count), so the record queues behind its account's other requests.
                    sends.add(producer.send(new ProducerRecord<>(record.sourceTopic().orElseThrow(), null, record.key(), record.value(),
                            record.originalHeaders())));
                }
                producer.flush();
                for (int i = 0; i < records.size(); i++) {
                    DeadLetterRecord record = records.get(i);
                    RecordMetadata sent = sends.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    int times = Optional.ofNullable(earlier.get(record.id())).map(ReplayLog.Entry::times).orElse(0) + 1;
                    ReplayLog.Entry entry = new ReplayLog.Entry(record.id(), Instant.now(), sent.topic(), sent.partition(), sent.offset(), times);
                    producer.send(new ProducerRecord<>(ReplayLog.TOPIC, record.id().getBytes(StandardCharsets.UTF_8), ReplayLog.encode(entry)));
                    done.add(entry);
                }
                try {
                    producer.commitTransaction();
                } catch (org.apache.kafka.common.errors.TimeoutException unanswered) {
                    // The commit may have happened: aborting now would fail, and "nothing was replayed" could be false.
                    throw new PlatformException("the replay's commit was not answered in time: it may or may not have been"
                            + " applied. `./kantor dlt show " + deadLetterTopic + "` tells which records the replay log holds", unanswered);
                }
                return new Replayed(plan, done);
            } catch (ExecutionException | TimeoutException | KafkaException e) {
                abort(producer);
                // The services read committed records only (the support module's defaults): none of it reached them.
                throw new PlatformException("the replay failed and was aborted, none of it is in " + ReplayLog.TOPIC + ": " + cause(e), e);
            }
        } catch (KafkaException e) {
            throw new PlatformException("cannot replay to " + target.bootstrapServers() + ": " + cause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        }
    }

    private static void abort(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (KafkaException ignored) {
            // Fenced or closed: the transaction is aborted by the coordinator anyway.
        }
    }

    private static String cause(Throwable e) {
        Throwable root = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        consumer.close();
        admin.close(Duration.ofSeconds(5));
    }
}
