package dev.kantor.gateway.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Currency;
import java.util.Optional;

/**
 * What an amount of one currency buys of another at the latest rate, as the transaction service prices an exchange:
 * the pair's own quote, or the inverse of the opposite pair's when that one is newer, at the contract's rate scale,
 * the amount bought rounded half-even to the bought currency's minor units.
 */
public record QuotePrice(BigDecimal rate, BigDecimal received, Instant rateQuotedAt) {

    /** Scale of a rate, as on the wire (decimal(20,10)). */
    public static final int RATE_SCALE = 10;

    /** A pair's latest rate: units of its quote currency per unit of its base. */
    public record PairRate(BigDecimal rate, Instant quotedAt) {
    }

    public static Optional<QuotePrice> of(BigDecimal amount, String from, String to, Optional<PairRate> direct,
            Optional<PairRate> inverse) {
        Optional<PairRate> inverted = inverse.filter(r -> r.rate().signum() > 0)
                .map(r -> new PairRate(BigDecimal.ONE.divide(r.rate(), RATE_SCALE, RoundingMode.HALF_EVEN), r.quotedAt()));
        Optional<PairRate> chosen = direct.isEmpty() ? inverted : inverted.isEmpty() ? direct
                : inverted.get().quotedAt().isAfter(direct.get().quotedAt()) ? inverted : direct;
        return chosen.map(r -> {
            BigDecimal rate = r.rate().setScale(RATE_SCALE, RoundingMode.HALF_EVEN);
            BigDecimal received = amount.multiply(rate).setScale(Currency.getInstance(to).getDefaultFractionDigits(), RoundingMode.HALF_EVEN);
            return new QuotePrice(rate, received, r.quotedAt());
        });
    }
}
