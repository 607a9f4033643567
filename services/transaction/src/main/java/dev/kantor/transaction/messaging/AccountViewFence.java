package dev.kantor.transaction.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this service's accounts view holds every account opened before a moment: the request side of the
 * requests-accounts join waits, bounded, until the reference side has been read up to the request (what Kafka
 * Streams does with max.task.idle.ms). Progress is the accounts consumer group's committed offsets, which it commits
 * only after the view's transaction, so "committed at or past the topic's end as of a moment after the request was
 * polled" means every AccountOpened published before the request is in the view, whichever instance applied it.
 */
@ApplicationScoped
public class AccountViewFence {

    private static final Logger LOG = Logger.getLogger(AccountViewFence.class);
    private static final Duration POLL = Duration.ofMillis(25);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final String group;
    /** The System.nanoTime() at which the topic's end was read by the last check that found the view caught up. */
    private long completeAsOf;
    private boolean everComplete;
    private volatile Admin admin;

    AccountViewFence(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "mp.messaging.incoming.accounts.topic") String topic,
            @ConfigProperty(name = "mp.messaging.incoming.accounts.group.id") String group) {
        this.kafkaConfig = kafkaConfig;
        this.topic = topic;
        this.group = group;
    }

    /** Whether a check that started after {@code polledAt} (System.nanoTime()) already found the view complete. */
    public synchronized boolean completeSince(long polledAt) {
        return everComplete && completeAsOf - polledAt >= 0;
    }

    private synchronized void complete(long readAt) {
        if (!everComplete || readAt - completeAsOf > 0) {
            completeAsOf = readAt;
            everComplete = true;
        }
    }

    /**
     * Completes once the view holds every account published until now, or when {@code bound} has passed (then with
     * false, and the caller decides with what the view holds, as Kafka Streams does after max.task.idle.ms).
     */
    public Uni<Boolean> await(Duration bound) {
        return Uni.createFrom().deferred(() -> {
            long readAt = System.nanoTime();
            long deadline = readAt + bound.toNanos();
            return endOffsets().chain(ends -> poll(ends, readAt, deadline));
        });
    }

    private Uni<Boolean> poll(Map<TopicPartition, Long> ends, long readAt, long deadline) {
        return committed().chain(committed -> {
            if (caughtUp(ends, committed)) {
                complete(readAt);
                return Uni.createFrom().item(true);
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.warnf("the accounts view (group %s) has not reached the end of %s within the wait; deciding with what it"
                        + " holds (end %s, committed %s)", group, topic, ends, committed);
                return Uni.createFrom().item(false);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL).chain(() -> poll(ends, readAt, deadline));
        });
    }

    static boolean caughtUp(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed) {
        return ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private Uni<Map<TopicPartition, Long>> endOffsets() {
        return Uni.createFrom().completionStage(() -> admin().describeTopics(List.of(topic)).allTopicNames().toCompletionStage())
                .chain(descriptions -> {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    descriptions.get(topic).partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    return Uni.createFrom().completionStage(() -> admin().listOffsets(latest).all().toCompletionStage());
                })
                .map(offsets -> {
                    Map<TopicPartition, Long> ends = new HashMap<>();
                    offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
                    return ends;
                });
    }

    private Uni<Map<TopicPartition, Long>> committed() {
        return Uni.createFrom().completionStage(() -> admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .toCompletionStage())
                .map(offsets -> {
                    Map<TopicPartition, Long> committed = new HashMap<>();
                    offsets.forEach((tp, meta) -> {
                        OffsetAndMetadata offset = meta;
                        if (offset != null) {
                            committed.put(tp, offset.offset());
                        }
                    });
                    return committed;
                });
    }

    /** Made on first use: most batches never need it. Same settings (SASL included) as the service's channels. */
    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> config = new HashMap<>();
                    kafkaConfig.forEach((key, value) -> {
                        if (AdminClientConfig.configNames().contains(key)) {
                            config.put(key, value);
                        }
                    });
                    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "transaction-account-view-fence");
                    admin = Admin.create(config);
                }
                current = admin;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
