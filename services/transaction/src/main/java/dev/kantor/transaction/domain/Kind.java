package dev.kantor.transaction.domain;

/** What a request asks the ledger to do. */
public enum Kind {
    DEPOSIT, WITHDRAWAL, EXCHANGE
}
