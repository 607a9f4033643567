package dev.kantor.rate.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The latest published quote of every pair, and when the feed last delivered anything. */
public final class LatestRates {

    private final Map<String, Quote> latest = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastReceived = new AtomicReference<>();

    public void put(Quote quote, Instant receivedAt) {
        latest.merge(quote.pair(), quote, (old, now) -> now.quotedAt().isBefore(old.quotedAt()) ? old : now);
        lastReceived.set(receivedAt);
    }

    public Collection<Quote> all() {
        return latest.values();
    }

    public Optional<Quote> of(String pair) {
        return Optional.ofNullable(latest.get(pair));
    }

    /** How long since the feed last delivered a quote; empty before the first. */
    public Optional<Duration> silence(Instant now) {
        return Optional.ofNullable(lastReceived.get()).map(at -> Duration.between(at, now));
    }
}
