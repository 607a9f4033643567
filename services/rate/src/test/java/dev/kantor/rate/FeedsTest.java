package dev.kantor.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kantor.rate.domain.Quote;
import dev.kantor.rate.domain.RandomWalk;
import dev.kantor.rate.feed.ReplayFeed;

/** The simulated and replayed feeds without Quarkus. */
class FeedsTest {

    static final Map<String, BigDecimal> REFERENCE = Map.of("EUR/USD", new BigDecimal("1.0853"), "EUR/JPY", new BigDecimal("162.37"));
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void theRandomWalkIsDeterministicForASeed() {
        assertEquals(walk(42, 50), walk(42, 50));
        assertNotEquals(walk(42, 50), walk(43, 50));
    }

    @Test
    void theRandomWalkStaysPositiveAndNearItsReference() {
        RandomWalk walk = new RandomWalk(7, new BigDecimal("0.01"), REFERENCE);
        for (int i = 0; i < 10_000; i++) {
            for (Quote quote : walk.next(T0.plusSeconds(i))) {
                BigDecimal ratio = quote.rate().divide(REFERENCE.get(quote.pair()), java.math.MathContext.DECIMAL64);
                assertTrue(ratio.compareTo(new BigDecimal("0.7")) > 0 && ratio.compareTo(new BigDecimal("1.3")) < 0,
                        quote + " strayed from " + REFERENCE.get(quote.pair()));
                assertEquals(Quote.SCALE, quote.rate().scale());
            }
        }
    }

    @Test
    void aReplayKeepsTheOrderAndRhythmOfItsFile() {
        List<String> recording = List.of("# comment", "0,EUR/USD,1.0853", "", "200,EUR/GBP,0.8421", "400,EUR/USD,1.0855");
        ReplayFeed feed = new ReplayFeed(recording, 2.0, Clock.fixed(T0, ZoneOffset.UTC));
        long started = System.nanoTime();
        List<Quote> quotes = feed.quotes().collect().asList().await().atMost(Duration.ofSeconds(5));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(List.of("EUR/USD", "EUR/GBP", "EUR/USD"), quotes.stream().map(Quote::pair).toList());
        assertEquals(new BigDecimal("1.0855000000"), quotes.get(2).rate());
        assertTrue(tookMillis >= 190, "400 ms of recording at speed 2 takes at least 200 ms, took " + tookMillis);
        assertEquals("replay", quotes.get(0).source());
    }

    @Test
    void aMalformedRecordingIsRefusedWithItsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplayFeed(List.of("0,EUR/USD,1.0", "oops"), 1, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
    }

    private static List<Quote> walk(long seed, int ticks) {
        RandomWalk walk = new RandomWalk(seed, new BigDecimal("0.0005"), REFERENCE);
        List<Quote> all = new java.util.ArrayList<>();
        for (int i = 0; i < ticks; i++) {
            all.addAll(walk.next(T0.plusSeconds(i)));
        }
        return all;
    }
}
