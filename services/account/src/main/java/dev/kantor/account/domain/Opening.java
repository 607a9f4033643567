package dev.kantor.account.domain;

/** An account opening request as the rules see it, free of wire-format types. */
public record Opening(String requestId, String accountId, String userId, String baseCurrency, String displayName) {
}
