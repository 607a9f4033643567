package dev.kantor.gateway.domain;

import java.math.BigDecimal;

/** A transaction as a client asks for it, validated: nothing reaches a topic unless it passed RequestRules. */
public record TransactionForm(String accountId, String kind, BigDecimal amount, String currency, String targetCurrency,
        String quoteId, BigDecimal tolerance) {

    public TransactionForm(String accountId, String kind, BigDecimal amount, String currency, String targetCurrency) {
        this(accountId, kind, amount, currency, targetCurrency, null, null);
    }

    /** What a retry must repeat exactly to be the same request. */
    public String fingerprint() {
        String plain = String.join("|", accountId, kind, amount.stripTrailingZeros().toPlainString(), currency,
                targetCurrency == null ? "" : targetCurrency);
        // Without a quote, the fingerprint of requests stored before quotes existed.
        return quoteId == null ? plain : plain + "|" + quoteId + "|" + tolerance.stripTrailingZeros().toPlainString();
    }
}
