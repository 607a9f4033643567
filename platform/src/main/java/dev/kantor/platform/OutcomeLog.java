package dev.kantor.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.kantor.events.EventDecoder;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;

/**
 * The outcome topics, read from the beginning into a temporary table of the audit's database session
 * ({@code audit_outcome}), so that the rules join them with the services' tables in SQL whatever their size. Each
 * call reads on from where the previous one stopped, up to the end offsets of that moment.
 */
final class OutcomeLog implements AutoCloseable {

    static final String APPROVED = "transactions";
    static final String REJECTED = "transactions-rejected";
    private static final Duration STALL = Duration.ofMinutes(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder decoder;
    private final String usersPrefix;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<TopicPartition, Long> beginnings;
    private final Map<String, Long> records = new LinkedHashMap<>(Map.of(APPROVED, 0L, REJECTED, 0L));
    private long undecodable;
    private long audited;
    private Instant retentionCutoff;

    OutcomeLog(AuditTarget target) {
        Map<String, Object> config = new HashMap<>(target.kafkaSecurity());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "kantor-audit");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        decoder = new EventDecoder(target.registryApiV2());
        usersPrefix = target.usersPrefix();
        for (String topic : List.of(APPROVED, REJECTED)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new PlatformException("topic " + topic + " not found at " + target.bootstrapServers());
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        beginnings = consumer.beginningOffsets(partitions);
        beginnings.forEach(consumer::seek);
        Instant now = Instant.now();
        consumer.endOffsets(partitions).forEach((partition, end) -> {
            if (beginnings.get(partition) > 0 && end.equals(beginnings.get(partition))) {
                // Every record of this partition is gone: whatever is older than now may have been on it.
                retentionCutoff = now;
            }
        });
    }

    /** The session's table of outcome events; every rule reads it. */
    static void createTable(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("""
                    create temporary table audit_outcome (
                        topic          varchar(249) not null,
                        event_id       varchar(64)  not null,
                        transaction_id varchar(64)  not null,
                        account_id     varchar(64)  not null,
                        user_id        varchar(128) not null)""");
            statement.execute("create index on audit_outcome (transaction_id)");
        }
    }

    /** Reads every partition from where the last call stopped to its end offset of now, inserting the audited events. */
    void readToEnd(Connection db) throws SQLException {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        try (PreparedStatement insert = db.prepareStatement(
                "insert into audit_outcome (topic, event_id, transaction_id, account_id, user_id) values (?, ?, ?, ?, ?)")) {
            int pending = 0;
            Instant stalled = Instant.now().plus(STALL);
            while (behind(ends)) {
                var batch = consumer.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    stalled = Instant.now().plus(STALL);
                }
                for (ConsumerRecord<String, byte[]> record : batch) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(partition)) {
                        continue;
                    }
                    firstRetained(partition, record);
                    pending += add(insert, record);
                    if (pending >= 1000) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (Instant.now().isAfter(stalled)) {
                    throw new PlatformException("no progress reading the outcome topics for " + STALL.toMinutes() + " minutes");
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
        // What was fetched past the end is read by the next call.
        ends.forEach(consumer::seek);
        try (Statement statement = db.createStatement()) {
            statement.execute("analyze audit_outcome");
        }
    }

    private boolean behind(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue());
    }

    /** A partition that lost its oldest records to retention: outcomes stored before its first kept record may be gone. */
    private void firstRetained(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        long beginning = beginnings.get(partition);
        if (beginning > 0 && record.offset() == beginning) {
            // The first kept record's own time: retention deletes whole segments, the oldest first.
            Instant first = Instant.ofEpochMilli(record.timestamp());
            if (retentionCutoff == null || first.isAfter(retentionCutoff)) {
                retentionCutoff = first;
            }
        }
    }

    private int add(PreparedStatement insert, ConsumerRecord<String, byte[]> record) throws SQLException {
        records.merge(record.topic(), 1L, Long::sum);
        String eventId;
        String transactionId;
        String accountId;
        String userId;
        try {
            if (record.topic().equals(APPROVED)) {
                TransactionApproved event = decoder.decode(record.value(), TransactionApproved.class);
                eventId = event.getEventId();
                transactionId = event.getTransactionId();
                accountId = event.getAccountId();
                userId = event.getUserId();
            } else {
                TransactionRejected event = decoder.decode(record.value(), TransactionRejected.class);
                eventId = event.getEventId();
                transactionId = event.getTransactionId();
                accountId = event.getAccountId();
                userId = event.getUserId();
            }
        } catch (EventDecoder.UndecodableEventException poison) {
            // Poison is the consumers' business (they dead-letter it); it is no outcome of any transaction.
            undecodable++;
            return 0;
        }
        if (!userId.startsWith(usersPrefix)) {
            return 0;
        }
        audited++;
        insert.setString(1, record.topic());
        insert.setString(2, eventId);
        insert.setString(3, transactionId);
        insert.setString(4, accountId);
        insert.setString(5, userId);
        insert.addBatch();
        return 1;
    }

    /** Outcomes stored before this instant may have left the topics by retention; none when nothing was deleted. */
    Optional<Instant> retentionCutoff() {
        return Optional.ofNullable(retentionCutoff);
    }

    /** What was read, as a line of the report. */
    String describe() {
        return String.format("outcome topics read to their end: %,d records on %s, %,d on %s (%,d audited, %,d undecodable skipped)%s",
                records.get(APPROVED), APPROVED, records.get(REJECTED), REJECTED, audited, undecodable,
                retentionCutoff().map(c -> "; records before " + c + " deleted by retention, older outcomes not required on the topics")
                        .orElse(""));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
