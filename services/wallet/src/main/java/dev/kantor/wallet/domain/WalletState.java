package dev.kantor.wallet.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A user's wallet at one moment: what they hold of every currency (in its minor units) and what that is worth in
 * their base currency at the given rates. The REST answer and the WalletUpdated event are both made from it.
 */
public record WalletState(String userId, String baseCurrency, SortedMap<String, BigDecimal> balances,
        Valuation valuation, long version, Instant changedAt) {

    public static WalletState of(String userId, String baseCurrency, SortedMap<String, BigDecimal> holdings,
            Collection<Quote> quotes, long version, Instant changedAt) {
        SortedMap<String, BigDecimal> balances = new TreeMap<>();
        holdings.forEach((currency, amount) -> balances.put(currency,
                amount.setScale(Valuation.minorUnits(currency), RoundingMode.HALF_EVEN)));
        Valuation valuation = baseCurrency == null ? null : Valuation.of(balances, baseCurrency, quotes);
        return new WalletState(userId, baseCurrency, balances, valuation, version, changedAt);
    }
}
