package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.kantor.gateway.domain.FieldError;
import dev.kantor.gateway.domain.RequestRules;

/** The edge's validation, without Quarkus. */
class RequestRulesTest {

    final RequestRules rules = new RequestRules(Set.of("EUR", "USD", "JPY", "BHD"), 64);

    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
    @CsvSource(nullValues = "null", value = {
            "DEPOSIT, 0, EUR, null, amount",
            "DEPOSIT, -5, EUR, null, amount",
            "DEPOSIT, 1.001, EUR, null, amount",
            "DEPOSIT, 1.5, JPY, null, amount",
            "DEPOSIT, 10000000000, EUR, null, amount",
            "DEPOSIT, 10, XXX, null, currency",
            "DEPOSIT, 10, EUR, USD, targetCurrency",
            "EXCHANGE, 10, EUR, EUR, targetCurrency",
            "EXCHANGE, 10, EUR, null, targetCurrency",
            "REFUND, 10, EUR, null, kind",
            "null, 10, EUR, null, kind"})
    void invalidTransactionsNameTheirField(String kind, String amount, String currency, String target, String field) {
        FieldError error = assertThrows(FieldError.class,
                () -> rules.transaction("acc-1", kind, new BigDecimal(amount), currency, target));
        assertEquals(field, error.field(), error.getMessage());
    }

    @Test
    void validTransactionsPass() {
        assertEquals("acc-1|EXCHANGE|12.5|EUR|USD", rules.transaction("acc-1", "EXCHANGE", new BigDecimal("12.50"), "EUR", "USD").fingerprint());
        rules.transaction("acc-1", "DEPOSIT", new BigDecimal("1.234"), "BHD", null);
        rules.transaction("acc-1", "WITHDRAWAL", new BigDecimal("100"), "JPY", null);
    }

    @Test
    void aMissingAmountOrAccountIsNamed() {
        assertEquals("amount", assertThrows(FieldError.class, () -> rules.transaction("acc-1", "DEPOSIT", null, "EUR", null)).field());
        assertEquals("accountId", assertThrows(FieldError.class, () -> rules.transaction(null, "DEPOSIT", BigDecimal.ONE, "EUR", null)).field());
        assertEquals("accountId", assertThrows(FieldError.class, () -> rules.transaction("a b", "DEPOSIT", BigDecimal.ONE, "EUR", null)).field());
    }

    @Test
    void openingsNeedACurrencyAndAName() {
        assertEquals("baseCurrency", assertThrows(FieldError.class, () -> rules.opening("eur", "Main")).field());
        assertEquals("displayName", assertThrows(FieldError.class, () -> rules.opening("EUR", " ")).field());
        assertEquals("displayName", assertThrows(FieldError.class, () -> rules.opening("EUR", "x".repeat(65))).field());
        assertEquals("displayName", assertThrows(FieldError.class, () -> rules.opening("EUR", "a\u0007b")).field());
        // A right-to-left override makes "Savings\u202Egnp.exe" read as something else; a zero-width space hides.
        assertEquals("displayName", assertThrows(FieldError.class, () -> rules.opening("EUR", "Savings\u202Egnp.exe")).field());
        assertEquals("displayName", assertThrows(FieldError.class, () -> rules.opening("EUR", "a\u200Bb")).field());
        rules.opening("EUR", "\uD83D\uDC69\u200D\uD83D\uDCBB Work"); // an emoji sequence joined by U+200D
        rules.opening("EUR", "Main");
    }
}
