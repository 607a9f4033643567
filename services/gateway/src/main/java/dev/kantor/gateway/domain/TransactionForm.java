package dev.kantor.gateway.domain;

import java.math.BigDecimal;

/** A transaction as a client asks for it, validated: nothing reaches a topic unless it passed RequestRules. */
public record TransactionForm(String accountId, String kind, BigDecimal amount, String currency, String targetCurrency) {

    /** What a retry must repeat exactly to be the same request. */
    public String fingerprint() {
        return String.join("|", accountId, kind, amount.stripTrailingZeros().toPlainString(), currency,
                targetCurrency == null ? "" : targetCurrency);
    }
}
