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

    static boolean take(AtomicInteger failures) {
        return failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    void reset() {
        registry.set(0);
        database.set(0);
        sqlDatabase.set(0);
        publish.set(0);
        deadLetter.set(0);
    }
}
