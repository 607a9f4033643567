package dev.kantor.wallet.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What a wallet is worth in its base currency at the latest rates. Every holding is converted exactly and the sum is
 * rounded once, HALF_EVEN, to the base currency's minor units. A currency is converted by its direct pair, the
 * inverse pair, or through one intermediate currency; one that no rate reaches is left out and named.
 *
 * @param total the sum, in the base currency's minor units
 * @param unvalued the currencies held (non-zero) that no rate could value
 */
public record Valuation(BigDecimal total, List<String> unvalued) {

    /** Conversions keep 20 significant digits before the one final rounding. */
    private static final MathContext PRECISION = MathContext.DECIMAL128;

    public static Valuation of(SortedMap<String, BigDecimal> holdings, String baseCurrency, Collection<Quote> quotes) {
        Map<String, Map<String, BigDecimal>> graph = graph(quotes);
        BigDecimal total = BigDecimal.ZERO;
        List<String> unvalued = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> holding : holdings.entrySet()) {
            if (holding.getValue().signum() == 0) {
                continue;
            }
            Optional<BigDecimal> rate = rate(graph, holding.getKey(), baseCurrency);
            if (rate.isPresent()) {
                total = total.add(holding.getValue().multiply(rate.get(), PRECISION));
            } else {
                unvalued.add(holding.getKey());
            }
        }
        return new Valuation(total.setScale(minorUnits(baseCurrency), RoundingMode.HALF_EVEN), List.copyOf(unvalued));
    }

    /** Units of {@code to} for one unit of {@code from}: direct, inverse, or through one intermediate currency. */
    static Optional<BigDecimal> rate(Map<String, Map<String, BigDecimal>> graph, String from, String to) {
        if (from.equals(to)) {
            return Optional.of(BigDecimal.ONE);
        }
        Map<String, BigDecimal> out = graph.getOrDefault(from, Map.of());
        if (out.containsKey(to)) {
            return Optional.of(out.get(to));
        }
        // The intermediate is chosen in alphabetical order, so the same rates always give the same valuation.
        for (String via : new TreeSet<>(out.keySet())) {
            BigDecimal second = graph.getOrDefault(via, Map.of()).get(to);
            if (second != null) {
                return Optional.of(out.get(via).multiply(second, PRECISION));
            }
        }
        return Optional.empty();
    }

    /** Every quote as an edge both ways; a direct quote wins over the inverse of its opposite pair. */
    static Map<String, Map<String, BigDecimal>> graph(Collection<Quote> quotes) {
        Map<String, Map<String, BigDecimal>> graph = new HashMap<>();
        for (Quote quote : quotes) {
            if (quote.rate().signum() > 0) {
                graph.computeIfAbsent(quote.quote(), k -> new HashMap<>())
                        .putIfAbsent(quote.base(), BigDecimal.ONE.divide(quote.rate(), PRECISION));
            }
        }
        for (Quote quote : quotes) {
            if (quote.rate().signum() > 0) {
                graph.computeIfAbsent(quote.base(), k -> new HashMap<>()).put(quote.quote(), quote.rate());
            }
        }
        return graph;
    }

    /** The ISO 4217 minor units of a currency (2 for EUR, 0 for JPY, 3 for BHD). */
    public static int minorUnits(String currency) {
        int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
        return Math.max(digits, 0);
    }
}
