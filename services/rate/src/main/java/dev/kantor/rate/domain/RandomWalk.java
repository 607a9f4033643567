package dev.kantor.rate.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded random walk around reference rates, pulled back towards them so that it stays realistic for as long as
 * it runs: the same seed gives the same quotes, tick after tick.
 */
public final class RandomWalk {

    private static final BigDecimal PULL_BACK = new BigDecimal("0.05");

    private final Random random;
    private final BigDecimal volatility;
    private final Map<String, BigDecimal> reference;
    private final Map<String, BigDecimal> current;

    public RandomWalk(long seed, BigDecimal volatility, Map<String, BigDecimal> reference) {
        this.random = new Random(seed);
        this.volatility = volatility;
        this.reference = new TreeMap<>(reference);
        this.current = new TreeMap<>(reference);
    }

    /** One tick: a new quote for every pair, in pair order. */
    public List<Quote> next(Instant at) {
        List<Quote> quotes = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> entry : current.entrySet()) {
            BigDecimal rate = entry.getValue();
            BigDecimal ref = reference.get(entry.getKey());
            // A simulated move, not an amount of money: a Gaussian draw is fine here; the rate itself stays exact.
            BigDecimal shock = volatility.multiply(BigDecimal.valueOf(random.nextGaussian()), MathContext.DECIMAL64);
            BigDecimal moved = rate.add(rate.multiply(shock, MathContext.DECIMAL64))
                    .add(ref.subtract(rate).multiply(PULL_BACK, MathContext.DECIMAL64), MathContext.DECIMAL64);
            Quote quote = new Quote(entry.getKey(), moved.max(ref.movePointLeft(2)), at, "simulated");
            entry.setValue(quote.rate());
            quotes.add(quote);
        }
        return quotes;
    }
}
