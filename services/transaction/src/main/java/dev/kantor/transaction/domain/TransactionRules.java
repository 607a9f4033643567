package dev.kantor.transaction.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The rules of the money path, as pure functions: validation, balance checks, and exchange arithmetic with the
 * target currency's minor units and HALF_EVEN rounding. Balances never go negative.
 */
public final class TransactionRules {

    /** Scale of an inverted rate, as on the wire (decimal(20,10)). */
    static final int RATE_SCALE = 10;

    private final Set<String> supportedCurrencies;
    private final Duration maxRateAge;

    public TransactionRules(Set<String> supportedCurrencies, Duration maxRateAge) {
        this.supportedCurrencies = Set.copyOf(supportedCurrencies);
        this.maxRateAge = maxRateAge;
    }

    /**
     * @param accountExists whether the account is known (from the accounts topic)
     * @param balanceOf the current balance of the account in a currency (zero when it holds none)
     * @param rateOf the latest quote of a pair, if any
     */
    public Decision decide(Request request, boolean accountExists, Function<String, BigDecimal> balanceOf,
            Function<String, Optional<Rate>> rateOf, Instant now) {
        if (!accountExists) {
            return reject(Reason.UNKNOWN_ACCOUNT, "account " + request.accountId() + " is not known");
        }
        Amount amount = request.amount();
        if (!supportedCurrencies.contains(amount.currency())) {
            return reject(Reason.UNSUPPORTED_CURRENCY, "currency " + amount.currency() + " is not supported");
        }
        Optional<Decision> invalid = validateAmount(amount);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        return switch (request.kind()) {
            case DEPOSIT -> new Decision.Approved(Optional.empty(), Optional.of(amount), Optional.empty());
            case WITHDRAWAL -> covered(amount, balanceOf)
                    .orElseGet(() -> new Decision.Approved(Optional.of(amount), Optional.empty(), Optional.empty()));
            case EXCHANGE -> exchange(request, balanceOf, rateOf, now);
        };
    }

    private Decision exchange(Request request, Function<String, BigDecimal> balanceOf,
            Function<String, Optional<Rate>> rateOf, Instant now) {
        Amount sold = request.amount();
        if (request.targetCurrency().isEmpty()) {
            return reject(Reason.CURRENCY_MISMATCH, "an exchange needs a target currency");
        }
        String target = request.targetCurrency().get();
        if (!supportedCurrencies.contains(target)) {
            return reject(Reason.UNSUPPORTED_CURRENCY, "currency " + target + " is not supported");
        }
        if (target.equals(sold.currency())) {
            return reject(Reason.CURRENCY_MISMATCH, "cannot exchange " + target + " into itself");
        }
        Optional<Rate> rate = rateFor(sold.currency(), target, rateOf);
        if (rate.isEmpty()) {
            return reject(Reason.MISSING_RATE, "no rate for " + Rate.pair(sold.currency(), target));
        }
        Duration age = Duration.between(rate.get().quotedAt(), now);
        if (age.compareTo(maxRateAge) > 0) {
            return reject(Reason.STALE_RATE, "the rate " + Rate.pair(sold.currency(), target) + " is " + age.toSeconds()
                    + " s old, more than the " + maxRateAge.toSeconds() + " s allowed");
        }
        if (request.quote().isPresent()) {
            Optional<Decision> moved = quoteRefuses(request.quote().get(), rate.get(), sold.currency(), target);
            if (moved.isPresent()) {
                return moved.get();
            }
        }
        Optional<Decision> uncovered = covered(sold, balanceOf);
        if (uncovered.isPresent()) {
            return uncovered.get();
        }
        BigDecimal bought = sold.value().multiply(rate.get().value()).setScale(minorUnits(target), RoundingMode.HALF_EVEN);
        if (bought.signum() <= 0) {
            return reject(Reason.INVALID_AMOUNT, sold.value() + " " + sold.currency() + " buys less than one minor unit of " + target);
        }
        return new Decision.Approved(Optional.of(sold), Optional.of(new Amount(bought, target)), Optional.of(rate.get().value()));
    }

    /** A quote that cannot be honoured: malformed, or beaten by the market against the user beyond its tolerance. */
    static Optional<Decision> quoteRefuses(Quote quote, Rate current, String sold, String target) {
        if (quote.rate().signum() <= 0) {
            return Optional.of(reject(Reason.INVALID_AMOUNT, "the quoted rate must be positive, was " + quote.rate().toPlainString()));
        }
        if (quote.tolerance().signum() < 0 || quote.tolerance().compareTo(BigDecimal.ONE) >= 0) {
            return Optional.of(reject(Reason.INVALID_AMOUNT, "the quote's tolerance must be at least 0 and below 1, was "
                    + quote.tolerance().toPlainString()));
        }
        if (current.value().compareTo(quote.floor()) < 0) {
            return Optional.of(reject(Reason.RATE_MOVED, "the rate " + Rate.pair(sold, target) + " is "
                    + current.value().stripTrailingZeros().toPlainString() + ", worse than the quoted "
                    + quote.rate().stripTrailingZeros().toPlainString() + " beyond the tolerance of "
                    + quote.tolerance().stripTrailingZeros().toPlainString()));
        }
        return Optional.empty();
    }

    /** The direct quote SOLD/TARGET, or the inverse of TARGET/SOLD; the older of the two is never preferred. */
    static Optional<Rate> rateFor(String sold, String target, Function<String, Optional<Rate>> rateOf) {
        Optional<Rate> direct = rateOf.apply(Rate.pair(sold, target));
        Optional<Rate> inverse = rateOf.apply(Rate.pair(target, sold))
                .filter(r -> r.value().signum() > 0)
                .map(r -> new Rate(Rate.pair(sold, target), BigDecimal.ONE.divide(r.value(), RATE_SCALE, RoundingMode.HALF_EVEN),
                        r.quotedAt()));
        if (direct.isPresent() && inverse.isPresent()) {
            return direct.get().quotedAt().isBefore(inverse.get().quotedAt()) ? inverse : direct;
        }
        return direct.isPresent() ? direct : inverse;
    }

    private Optional<Decision> validateAmount(Amount amount) {
        if (amount.value().signum() <= 0) {
            return Optional.of(reject(Reason.INVALID_AMOUNT, "the amount must be positive, was " + amount.value().toPlainString()));
        }
        int allowed = minorUnits(amount.currency());
        if (amount.value().stripTrailingZeros().scale() > allowed) {
            return Optional.of(reject(Reason.INVALID_AMOUNT, amount.value().toPlainString() + " " + amount.currency()
                    + " has more than the " + allowed + " decimals of the currency"));
        }
        return Optional.empty();
    }

    private static Optional<Decision> covered(Amount debit, Function<String, BigDecimal> balanceOf) {
        BigDecimal balance = balanceOf.apply(debit.currency());
        if (balance.compareTo(debit.value()) < 0) {
            return Optional.of(reject(Reason.INSUFFICIENT_FUNDS, "balance " + balance.toPlainString() + " " + debit.currency()
                    + " does not cover " + debit.value().toPlainString()));
        }
        return Optional.empty();
    }

    /** The currency's minor units (2 for EUR, 0 for JPY, 3 for BHD). */
    public static int minorUnits(String currency) {
        return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    }

    private static Decision reject(Reason reason, String detail) {
        return new Decision.Rejected(reason, detail);
    }
}
