package dev.kantor.fleet.analytics.domain;

import java.util.Map;
import java.util.TreeMap;

/** Cold-chain breaches alerted so far, by cause (each alert id once, however often it is mirrored). */
public record BreachCounts(Map<String, Long> byCause) {

    public static BreachCounts none() {
        return new BreachCounts(new TreeMap<>());
    }

    public BreachCounts add(String cause) {
        Map<String, Long> next = new TreeMap<>(byCause);
        next.merge(cause, 1L, Long::sum);
        return new BreachCounts(next);
    }

    public BreachCounts remove(String cause) {
        Map<String, Long> next = new TreeMap<>(byCause);
        next.computeIfPresent(cause, (c, count) -> count > 1 ? count - 1 : null);
        return new BreachCounts(next);
    }

    public BreachCounts plus(BreachCounts other) {
        Map<String, Long> next = new TreeMap<>(byCause);
        other.byCause.forEach((cause, count) -> next.merge(cause, count, Long::sum));
        return new BreachCounts(next);
    }
}
