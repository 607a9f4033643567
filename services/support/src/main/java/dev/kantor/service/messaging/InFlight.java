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

    /** Done when every delivery before this one on any of its partitions has been published and acked. */
    CompletableFuture<Void> follow(List<SourceRecord> records) {
        List<CompletableFuture<Void>> previous = new ArrayList<>();
        for (String partition : partitions(records)) {
            CompletableFuture<Void> tail = byPartition.get(partition);
            if (tail != null && !tail.isDone()) {
                previous.add(tail);
            }
        }
        return previous.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(previous.toArray(CompletableFuture[]::new));
    }

    /** Records that the delivery of {@code records} is published once {@code published} completes. */
    void publishing(List<SourceRecord> records, CompletableFuture<Void> published) {
        // A failed publication nacks its delivery and stops the channel; later ones need not wait for it.
        CompletableFuture<Void> settled = published.handle((ok, failure) -> null);
        for (String partition : partitions(records)) {
            byPartition.put(partition, settled);
        }
    }

    private static Set<String> partitions(List<SourceRecord> records) {
        Set<String> partitions = new HashSet<>();
        for (SourceRecord record : records) {
            partitions.add(record.topic() + "-" + record.partition());
        }
        return partitions;
    }
}
