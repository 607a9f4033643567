package dev.kantor.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kantor.account.domain.Opening;
import dev.kantor.account.domain.OpeningRules;

/** The opening rules without Quarkus: each violation names its field. */
class OpeningRulesTest {

    final OpeningRules rules = new OpeningRules(Set.of("EUR", "USD"), 10);

    @Test
    void aValidRequestPasses() {
        assertEquals(Optional.empty(), rules.violation(opening("alice@example.com", "EUR", "  Savings ")));
        assertEquals("Savings", OpeningRules.displayName(opening("alice", "EUR", "  Savings ")));
    }

    @Test
    void eachViolationNamesItsField() {
        assertField("userId", opening(" ", "EUR", "x"));
        assertField("userId", opening("alice bob", "EUR", "x"));
        assertField("userId", opening("a".repeat(129), "EUR", "x"));
        assertField("baseCurrency", opening("alice", "XXX", "x"));
        assertField("baseCurrency", opening("alice", null, "x"));
        assertField("displayName", opening("alice", "EUR", "   "));
        assertField("displayName", opening("alice", "EUR", "12345678901"));
        assertField("displayName", opening("alice", "EUR", "tab\there"));
        assertField("requestId", new Opening("", "acc", "alice", "EUR", "x"));
        assertField("accountId", new Opening("req", "a".repeat(65), "alice", "EUR", "x"));
    }

    @Test
    void displayNameLengthCountsCharactersNotBytes() {
        assertEquals(Optional.empty(), rules.violation(opening("alice", "EUR", "Zażółćgęśl")));
    }

    private void assertField(String field, Opening opening) {
        String violation = rules.violation(opening).orElseThrow(() -> new AssertionError("accepted: " + opening));
        assertTrue(violation.startsWith(field + ":"), violation);
    }

    private static Opening opening(String user, String currency, String name) {
        return new Opening("req-1", "acc-1", user, currency, name);
    }
}
