package dev.kantor.transaction.domain;

/** Why a request is refused; mirrors the contract's RejectionReason. */
public enum Reason {
    UNKNOWN_ACCOUNT, INSUFFICIENT_FUNDS, UNSUPPORTED_CURRENCY, INVALID_AMOUNT, MISSING_RATE, STALE_RATE, CURRENCY_MISMATCH,
    /** The rate got worse for the user than their quote allowed (contract v2). */
    RATE_MOVED
}
