package dev.kantor.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.kantor.wallet.domain.Quote;
import dev.kantor.wallet.domain.Valuation;

/** The valuation arithmetic, without Quarkus. */
class ValuationTest {

    @Test
    void theBaseCurrencyCountsAsItIs() {
        assertEquals(new Valuation(new BigDecimal("12.34"), List.of()), Valuation.of(holdings("EUR", "12.34"), "EUR", List.of()));
    }

    @Test
    void aDirectQuoteConvertsAndTheSumIsRoundedOnceHalfEven() {
        // 0.055 EUR + 0.11 EUR = 0.165, rounded once HALF_EVEN: 0.16. Rounding each first would give 0.06 + 0.11 = 0.17.
        Valuation v = Valuation.of(holdings("USD", "0.05", "GBP", "0.10"), "EUR",
                List.of(new Quote("USD", "EUR", new BigDecimal("1.1")), new Quote("GBP", "EUR", new BigDecimal("1.1"))));
        assertEquals(new BigDecimal("0.16"), v.total());
    }

    @Test
    void theInverseOfTheOppositePairIsUsedWhenNoDirectQuoteExists() {
        // 108.50 USD in EUR with only EUR/USD 1.0850: 100.00 EUR.
        Valuation v = Valuation.of(holdings("USD", "108.50"), "EUR", List.of(new Quote("EUR", "USD", new BigDecimal("1.0850"))));
        assertEquals(new BigDecimal("100.00"), v.total());
    }

    @Test
    void aCrossRateGoesThroughOneIntermediateCurrency() {
        // 1000 JPY -> USD (USD/JPY 150, inverse) -> EUR (EUR/USD 1.25, inverse): 1000 / 150 / 1.25 = 5.333... EUR.
        Valuation v = Valuation.of(holdings("JPY", "1000"), "EUR",
                List.of(new Quote("USD", "JPY", new BigDecimal("150")), new Quote("EUR", "USD", new BigDecimal("1.25"))));
        assertEquals(new BigDecimal("5.33"), v.total());
    }

    @Test
    void aCurrencyNoRateReachesIsLeftOutAndNamed() {
        Valuation v = Valuation.of(holdings("EUR", "10.00", "PLN", "5.00", "CZK", "0"), "EUR", List.of());
        assertEquals(new BigDecimal("10.00"), v.total());
        assertEquals(List.of("PLN"), v.unvalued());
    }

    @Test
    void theBaseCurrencysMinorUnitsDecideTheScale() {
        assertEquals(new BigDecimal("1234"), Valuation.of(holdings("EUR", "10.00"), "JPY",
                List.of(new Quote("EUR", "JPY", new BigDecimal("123.45")))).total());
        assertEquals(new BigDecimal("4.123"), Valuation.of(holdings("BHD", "4.1234"), "BHD", List.of()).total());
    }

    private static TreeMap<String, BigDecimal> holdings(String... currencyAmount) {
        TreeMap<String, BigDecimal> holdings = new TreeMap<>();
        for (int i = 0; i < currencyAmount.length; i += 2) {
            holdings.put(currencyAmount[i], new BigDecimal(currencyAmount[i + 1]));
        }
        return holdings;
    }
}
