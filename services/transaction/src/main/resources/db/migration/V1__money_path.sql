-- The transaction service's own schema: its views of accounts and rates, balances, the ledger,
-- the processed event ids (technical de-duplication) and the stored outcomes (functional de-duplication).
CREATE TABLE account_view (
    account_id    VARCHAR(64)  PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    base_currency CHAR(3)      NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL
);

CREATE TABLE latest_rate (
    pair       VARCHAR(7)     PRIMARY KEY,
    rate       NUMERIC(20,10) NOT NULL,
    quoted_at  TIMESTAMPTZ    NOT NULL
);

CREATE TABLE balance (
    account_id VARCHAR(64)   NOT NULL,
    currency   CHAR(3)       NOT NULL,
    amount     NUMERIC(19,4) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (account_id, currency)
);

CREATE TABLE ledger_entry (
    id             UUID          PRIMARY KEY,
    transaction_id VARCHAR(64)   NOT NULL,
    account_id     VARCHAR(64)   NOT NULL,
    currency       CHAR(3)       NOT NULL,
    amount         NUMERIC(19,4) NOT NULL,
    created_at     TIMESTAMPTZ   NOT NULL
);
CREATE INDEX ledger_entry_account ON ledger_entry (account_id, currency);

-- One row per request event this consumer has handled; the primary key is the technical de-duplication.
CREATE TABLE processed_event (
    event_id       VARCHAR(64)  PRIMARY KEY,
    transaction_id VARCHAR(64)  NOT NULL,
    disposition    VARCHAR(16)  NOT NULL,
    processed_at   TIMESTAMPTZ  NOT NULL
);

-- The one outcome of each transaction id; the primary key is the functional de-duplication.
CREATE TABLE stored_outcome (
    transaction_id   VARCHAR(64)  PRIMARY KEY,
    event_id         VARCHAR(64)  NOT NULL UNIQUE,
    request_event_id VARCHAR(64)  NOT NULL,
    account_id       VARCHAR(64)  NOT NULL,
    event_type       VARCHAR(32)  NOT NULL,
    payload          BYTEA        NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL
);
