package dev.kantor.transaction.domain;

import java.util.Optional;

/** A transaction request as the rules see it, free of wire-format types. */
public record Request(String transactionId, String accountId, Kind kind, Amount amount, Optional<String> targetCurrency,
        Optional<Quote> quote) {

    public Request(String transactionId, String accountId, Kind kind, Amount amount, Optional<String> targetCurrency) {
        this(transactionId, accountId, kind, amount, targetCurrency, Optional.empty());
    }
}
