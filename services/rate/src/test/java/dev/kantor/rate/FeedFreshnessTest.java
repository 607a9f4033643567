package dev.kantor.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.kantor.rate.config.RateConfig;
import dev.kantor.rate.domain.LatestRates;
import dev.kantor.rate.domain.Quote;
import dev.kantor.rate.feed.ReplayFeed;
import dev.kantor.rate.health.FeedFreshness;

/** A feed that goes quiet turns readiness DOWN with how long it has been, and UP again when quotes return. */
class FeedFreshnessTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void aQuietFeedIsStaleUntilItReturns() {
        FeedFreshness check = new FeedFreshness();
        check.latest = new LatestRates();
        check.feed = new ReplayFeed(java.util.List.of(), 1, Clock.systemUTC());
        check.config = staleAfter(Duration.ofSeconds(10));

        check.clock = Clock.fixed(T0, ZoneOffset.UTC);
        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus(), "no quote yet");

        check.latest.put(new Quote("EUR/USD", new BigDecimal("1.08"), T0, "replay"), T0);
        check.clock = Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());

        check.clock = Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC);
        HealthCheckResponse stale = check.call();
        assertEquals(HealthCheckResponse.Status.DOWN, stale.getStatus());
        assertEquals("stale", stale.getData().orElseThrow().get("state"));
        assertEquals(30L, stale.getData().orElseThrow().get("lastQuoteSecondsAgo"));

        check.latest.put(new Quote("EUR/USD", new BigDecimal("1.09"), T0.plusSeconds(31), "replay"), T0.plusSeconds(31));
        check.clock = Clock.fixed(T0.plusSeconds(32), ZoneOffset.UTC);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus(), "recovered");
    }

    /** Only the setting the check reads; the feeds' settings are not needed here. */
    private static RateConfig staleAfter(Duration staleAfter) {
        return new RateConfig() {
            public String feed() { return "replay"; }
            public Duration staleAfter() { return staleAfter; }
            public Simulated simulated() { throw new UnsupportedOperationException(); }
            public Replay replay() { throw new UnsupportedOperationException(); }
            public Ticker ticker() { throw new UnsupportedOperationException(); }
        };
    }
}
