-- The gateway's own state: who owns what, what clients asked for (with their idempotency keys), and the feed that
-- SSE streams are served from. Everything but the requests is a projection of the topics.

-- Accounts as the accounts topic announced them: ownership decides who may see and use an account.
CREATE TABLE owned_account (
    account_id    VARCHAR(64)  PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    base_currency CHAR(3)      NOT NULL,
    display_name  VARCHAR(64)  NOT NULL,
    opened_at     TIMESTAMPTZ  NOT NULL
);
CREATE INDEX owned_account_user ON owned_account (user_id);

-- Account openings asked for through the gateway; a retry with the same key finds its request here.
CREATE TABLE opening_request (
    request_id      VARCHAR(64)  PRIMARY KEY,
    user_id         VARCHAR(128) NOT NULL,
    idempotency_key VARCHAR(128) NOT NULL,
    account_id      VARCHAR(64)  NOT NULL,
    -- Everything the published event holds, so that a retry re-publishes exactly the same event.
    event_id        VARCHAR(64)  NOT NULL,
    base_currency   CHAR(3)      NOT NULL,
    display_name    VARCHAR(64)  NOT NULL,
    requested_at    TIMESTAMPTZ  NOT NULL,
    published       BOOLEAN      NOT NULL,
    UNIQUE (user_id, idempotency_key)
);

-- Transactions asked for through the gateway, and what became of them.
CREATE TABLE transaction_request (
    transaction_id  VARCHAR(64)  PRIMARY KEY,
    user_id         VARCHAR(128) NOT NULL,
    idempotency_key VARCHAR(128) NOT NULL,
    account_id      VARCHAR(64)  NOT NULL,
    -- Everything the published event holds, so that a retry re-publishes exactly the same event.
    event_id        VARCHAR(64)  NOT NULL,
    kind            VARCHAR(16)  NOT NULL,
    amount          NUMERIC(19, 4) NOT NULL,
    currency        CHAR(3)      NOT NULL,
    target_currency CHAR(3),
    requested_at    TIMESTAMPTZ  NOT NULL,
    -- The request as the client sent it, to refuse a key reused for a different request.
    fingerprint     VARCHAR(512) NOT NULL,
    published       BOOLEAN      NOT NULL,
    UNIQUE (user_id, idempotency_key)
);

-- Outcomes seen on the topics, for every transaction (also those not asked through this gateway).
CREATE TABLE transaction_outcome (
    transaction_id VARCHAR(64)  PRIMARY KEY,
    user_id        VARCHAR(128) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    outcome        TEXT         NOT NULL,
    decided_at     TIMESTAMPTZ  NOT NULL
);

-- The latest WalletUpdated per user (JSON as the API serves it).
CREATE TABLE wallet_snapshot (
    user_id VARCHAR(128) PRIMARY KEY,
    as_of   TIMESTAMPTZ  NOT NULL,
    payload TEXT         NOT NULL
);

-- The latest rate per pair (JSON as the API serves it).
CREATE TABLE latest_rate (
    pair      VARCHAR(16) PRIMARY KEY,
    quoted_at TIMESTAMPTZ NOT NULL,
    payload   TEXT        NOT NULL
);

-- What SSE clients are sent, in one order for every replica: seq is the SSE event id, so a client reconnecting with
-- Last-Event-ID gets what it missed. Writers serialise on an advisory lock, so seq order is commit order.
-- user_id null: for everyone (rates).
CREATE TABLE feed_event (
    seq        BIGSERIAL    PRIMARY KEY,
    event_id   VARCHAR(64)  NOT NULL UNIQUE,
    user_id    VARCHAR(128),
    stream     VARCHAR(16)  NOT NULL,
    payload    TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX feed_event_user ON feed_event (user_id, stream, seq);
