package dev.kantor.service.messaging;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The publishing still under way per partition, so that a delivery's outcomes follow the previous delivery's of the
 * same partitions (per-account order at the broker) while its database transaction already ran beside them.
 */
final class InFlight {

    private final Map<String, CompletableFuture<Void>> byPartition = new ConcurrentHashMap<>();

    /**
     * Makes {@code sent} the last publication of every partition of {@code records} and returns what it must wait
     * for: every earlier one on any of those partitions. One that failed stays failed, so that nothing published
     * after it overtakes it (its delivery was nacked; the channel stops). Atomic, since a partition may move between
     * the channel's consumers.
     */
    synchronized CompletableFuture<Void> follow(List<SourceRecord> records, CompletableFuture<Void> sent) {
        List<CompletableFuture<Void>> previous = new ArrayList<>();
        for (String partition : partitions(records)) {
            CompletableFuture<Void> tail = byPartition.put(partition, sent);
            if (tail != null && (!tail.isDone() || tail.isCompletedExceptionally())) {
                previous.add(tail);
            }
        }
        return previous.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(previous.toArray(CompletableFuture[]::new));
    }

    private static Set<String> partitions(List<SourceRecord> records) {
        Set<String> partitions = new HashSet<>();
        for (SourceRecord record : records) {
            partitions.add(record.topic() + "-" + record.partition());
        }
        return partitions;
    }
}
