package dev.kantor.service.pipeline;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

/** (A singleton, not application-scoped: the test reads its fields directly, which a client proxy would not forward.) How many times each part fails next, set by a test; and the journal of what happened, in order. */
@Singleton
public class Faults {

    final AtomicInteger registry = new AtomicInteger();
    final AtomicInteger database = new AtomicInteger();
    final AtomicInteger sqlDatabase = new AtomicInteger();
    final AtomicInteger publish = new AtomicInteger();
    final AtomicInteger deadLetter = new AtomicInteger();
    final Queue<String> journal = new ConcurrentLinkedQueue<>();
    /** Publications the broker holds (neither takes nor refuses) until their future completes, by payload. */
    final java.util.Map<String, java.util.concurrent.CompletableFuture<Void>> held = new java.util.concurrent.ConcurrentHashMap<>();

    static boolean take(AtomicInteger failures) {
        return failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    void reset() {
        registry.set(0);
        database.set(0);
        sqlDatabase.set(0);
        publish.set(0);
        deadLetter.set(0);
        held.values().forEach(gate -> gate.complete(null));
        held.clear();
    }
}
