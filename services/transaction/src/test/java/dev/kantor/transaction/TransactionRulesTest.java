package dev.kantor.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kantor.transaction.domain.Amount;
import dev.kantor.transaction.domain.Decision;
import dev.kantor.transaction.domain.Kind;
import dev.kantor.transaction.domain.Quote;
import dev.kantor.transaction.domain.Rate;
import dev.kantor.transaction.domain.Reason;
import dev.kantor.transaction.domain.Request;
import dev.kantor.transaction.domain.TransactionRules;

/** The rules alone, without Quarkus, Kafka or a database. */
class TransactionRulesTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    final TransactionRules rules = new TransactionRules(Set.of("EUR", "USD", "JPY", "BHD", "GBP"), Duration.ofSeconds(60));
    final Map<String, BigDecimal> balances = Map.of("EUR", new BigDecimal("100.00"), "JPY", new BigDecimal("5000"));
    final Map<String, Rate> rates = Map.of(
            "EUR/USD", new Rate("EUR/USD", new BigDecimal("1.0853"), NOW.minusSeconds(5)),
            "EUR/JPY", new Rate("EUR/JPY", new BigDecimal("162.37"), NOW.minusSeconds(5)),
            "GBP/EUR", new Rate("GBP/EUR", new BigDecimal("1.1500000000"), NOW.minusSeconds(5)),
            "EUR/BHD", new Rate("EUR/BHD", new BigDecimal("0.4091"), NOW.minusSeconds(600)));

    Decision decide(Kind kind, String amount, String currency, String target) {
        return rules.decide(new Request("t1", "a1", kind, new Amount(new BigDecimal(amount), currency), Optional.ofNullable(target)),
                true, c -> balances.getOrDefault(c, BigDecimal.ZERO), p -> Optional.ofNullable(rates.get(p)), NOW);
    }

    Reason rejected(Decision decision) {
        return assertInstanceOf(Decision.Rejected.class, decision).reason();
    }

    @Test
    void aDepositCreditsExactlyTheAmount() {
        Decision.Approved approved = assertInstanceOf(Decision.Approved.class, decide(Kind.DEPOSIT, "10.05", "EUR", null));
        assertEquals(Optional.of(new Amount(new BigDecimal("10.05"), "EUR")), approved.credited());
        assertEquals(Optional.empty(), approved.debited());
    }

    @Test
    void invalidAmountsAreRejected() {
        assertEquals(Reason.INVALID_AMOUNT, rejected(decide(Kind.DEPOSIT, "0", "EUR", null)));
        assertEquals(Reason.INVALID_AMOUNT, rejected(decide(Kind.DEPOSIT, "-5.00", "EUR", null)));
        assertEquals(Reason.INVALID_AMOUNT, rejected(decide(Kind.DEPOSIT, "1.001", "EUR", null)), "EUR has 2 decimals");
        assertEquals(Reason.INVALID_AMOUNT, rejected(decide(Kind.DEPOSIT, "1.5", "JPY", null)), "JPY has none");
        assertInstanceOf(Decision.Approved.class, decide(Kind.DEPOSIT, "1.001", "BHD", null), "BHD has 3");
        assertInstanceOf(Decision.Approved.class, decide(Kind.DEPOSIT, "1.5000", "EUR", null), "trailing zeros are fine");
    }

    @Test
    void unknownAccountsAndUnsupportedCurrenciesAreRejected() {
        Decision unknown = rules.decide(new Request("t", "nobody", Kind.DEPOSIT, new Amount(BigDecimal.ONE, "EUR"), Optional.empty()),
                false, c -> BigDecimal.ZERO, p -> Optional.empty(), NOW);
        assertEquals(Reason.UNKNOWN_ACCOUNT, rejected(unknown));
        assertEquals(Reason.UNSUPPORTED_CURRENCY, rejected(decide(Kind.DEPOSIT, "1", "XAU", null)));
        assertEquals(Reason.UNSUPPORTED_CURRENCY, rejected(decide(Kind.EXCHANGE, "1", "EUR", "CHF")));
    }

    @Test
    void aWithdrawalNeverTakesABalanceBelowZero() {
        assertInstanceOf(Decision.Approved.class, decide(Kind.WITHDRAWAL, "100.00", "EUR", null));
        assertEquals(Reason.INSUFFICIENT_FUNDS, rejected(decide(Kind.WITHDRAWAL, "100.01", "EUR", null)));
        assertEquals(Reason.INSUFFICIENT_FUNDS, rejected(decide(Kind.WITHDRAWAL, "1", "USD", null)));
    }

    @Test
    void anExchangeRoundsHalfEvenToTheTargetsMinorUnits() {
        // 50.00 x 1.0853 = 54.265: half-even keeps the even 6.
        Decision.Approved usd = assertInstanceOf(Decision.Approved.class, decide(Kind.EXCHANGE, "50.00", "EUR", "USD"));
        assertEquals(new Amount(new BigDecimal("54.26"), "USD"), usd.credited().orElseThrow());
        assertEquals(new Amount(new BigDecimal("50.00"), "EUR"), usd.debited().orElseThrow());
        assertEquals(new BigDecimal("1.0853"), usd.rate().orElseThrow());
        // 33.33 x 162.37 = 5411.7921 yen: no minor units.
        Decision.Approved jpy = assertInstanceOf(Decision.Approved.class, decide(Kind.EXCHANGE, "33.33", "EUR", "JPY"));
        assertEquals(new Amount(new BigDecimal("5412"), "JPY"), jpy.credited().orElseThrow());
    }

    @Test
    void anExchangeUsesTheInverseQuoteWhenOnlyThatExists() {
        // EUR->GBP from GBP/EUR 1.15: 1/1.15 = 0.8695652174; 10.00 EUR -> 8.70 GBP.
        Decision.Approved gbp = assertInstanceOf(Decision.Approved.class, decide(Kind.EXCHANGE, "10.00", "EUR", "GBP"));
        assertEquals(new Amount(new BigDecimal("8.70"), "GBP"), gbp.credited().orElseThrow());
        assertEquals(new BigDecimal("0.8695652174"), gbp.rate().orElseThrow());
    }

    @Test
    void anExchangeNeedsAFreshRateFundsAndTwoCurrencies() {
        assertEquals(Reason.STALE_RATE, rejected(decide(Kind.EXCHANGE, "10.00", "EUR", "BHD")));
        assertEquals(Reason.MISSING_RATE, rejected(decide(Kind.EXCHANGE, "1000", "JPY", "USD")));
        assertEquals(Reason.INSUFFICIENT_FUNDS, rejected(decide(Kind.EXCHANGE, "100.01", "EUR", "USD")));
        assertEquals(Reason.CURRENCY_MISMATCH, rejected(decide(Kind.EXCHANGE, "10.00", "EUR", "EUR")));
        assertEquals(Reason.CURRENCY_MISMATCH, rejected(decide(Kind.EXCHANGE, "10.00", "EUR", null)));
    }

    Decision exchangeAt(String quotedRate, String tolerance) {
        return rules.decide(new Request("t1", "a1", Kind.EXCHANGE, new Amount(new BigDecimal("10.00"), "EUR"), Optional.of("USD"),
                        Optional.of(new Quote(new BigDecimal(quotedRate), new BigDecimal(tolerance)))),
                true, c -> balances.getOrDefault(c, BigDecimal.ZERO), p -> Optional.ofNullable(rates.get(p)), NOW);
    }

    @Test
    void anExchangeAtAFirmQuoteIsMadeAtTheCurrentRateWhileItIsNotWorseBeyondTheTolerance() {
        // The market (1.0853) is better for the user than the quote: made, at the market's rate.
        Decision.Approved better = assertInstanceOf(Decision.Approved.class, exchangeAt("1.0800", "0"));
        assertEquals(Optional.of(new Amount(new BigDecimal("10.85"), "USD")), better.credited());
        assertInstanceOf(Decision.Approved.class, exchangeAt("1.0853", "0"), "the quote itself");
        // Worse by 0.0047 on 1.09 (0.43 %): inside a 0.5 % tolerance, outside none.
        assertInstanceOf(Decision.Approved.class, exchangeAt("1.0900", "0.005"));
        Decision.Rejected moved = assertInstanceOf(Decision.Rejected.class, exchangeAt("1.0900", "0"));
        assertEquals(Reason.RATE_MOVED, moved.reason());
        assertEquals("the rate EUR/USD is 1.0853, worse than the quoted 1.09 beyond the tolerance of 0", moved.detail(),
                "both rates named");
        assertEquals(Reason.RATE_MOVED, rejected(exchangeAt("1.0910", "0.003")), "0.52 % worse, 0.3 % allowed");
    }

    @Test
    void aMalformedQuoteIsRefusedNotIgnored() {
        assertEquals(Reason.INVALID_AMOUNT, rejected(exchangeAt("0", "0")));
        assertEquals(Reason.INVALID_AMOUNT, rejected(exchangeAt("-1.08", "0")));
        assertEquals(Reason.INVALID_AMOUNT, rejected(exchangeAt("1.08", "-0.01")));
        assertEquals(Reason.INVALID_AMOUNT, rejected(exchangeAt("1.08", "1")));
    }
}
