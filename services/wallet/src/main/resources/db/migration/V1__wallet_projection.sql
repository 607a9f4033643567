-- The wallet projection. Everything here can be dropped and rebuilt from the topics (POST /admin/wallets/rebuild).

-- The accounts topic, as far as wallets need it: whose account it is and the base currency it was opened with.
CREATE TABLE account_view (
    account_id    VARCHAR(64)  PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    base_currency CHAR(3)      NOT NULL,
    opened_at     TIMESTAMPTZ  NOT NULL
);
CREATE INDEX account_view_user ON account_view (user_id, opened_at);

-- One row per user. version grows with every change; the publisher clears dirty only if no change came meanwhile.
CREATE TABLE wallet (
    user_id       VARCHAR(128) PRIMARY KEY,
    -- The base currency of the user's first account; null until the accounts topic has told it.
    base_currency CHAR(3),
    version       BIGINT       NOT NULL,
    dirty         BOOLEAN      NOT NULL,
    changed_at    TIMESTAMPTZ  NOT NULL,
    -- When the last WalletUpdated was claimed: the next one waits for the publish interval from here.
    published_at  TIMESTAMPTZ
);
CREATE INDEX wallet_dirty ON wallet (changed_at) WHERE dirty;

-- The balance of a user in one currency: the sum of every approved transaction's credits and debits.
CREATE TABLE holding (
    user_id  VARCHAR(128)   NOT NULL,
    currency CHAR(3)        NOT NULL,
    amount   NUMERIC(19, 4) NOT NULL,
    PRIMARY KEY (user_id, currency)
);

-- Every transaction counted: de-duplication by business key (transaction id) and by event id.
CREATE TABLE applied_transaction (
    transaction_id VARCHAR(64)  PRIMARY KEY,
    event_id       VARCHAR(64)  NOT NULL UNIQUE,
    user_id        VARCHAR(128) NOT NULL
);

-- The latest quote per pair; an older quote never replaces a newer one.
CREATE TABLE latest_rate (
    pair           VARCHAR(16)    PRIMARY KEY,
    base_currency  CHAR(3)        NOT NULL,
    quote_currency CHAR(3)        NOT NULL,
    rate           NUMERIC(20, 10) NOT NULL,
    quoted_at      TIMESTAMPTZ    NOT NULL
);

-- The next offset of every topic partition the projection has consumed, written in the same transaction as the
-- effects: it is what the REST answer says the projection reflects, and how a rebuild's progress is followed.
CREATE TABLE consumed_offset (
    topic        VARCHAR(249) NOT NULL,
    partition_no INT          NOT NULL,
    next_offset  BIGINT       NOT NULL,
    PRIMARY KEY (topic, partition_no)
);

-- Bumped by a rebuild: every replica seeing a new generation seeks its partitions to the beginning.
CREATE TABLE projection_generation (
    id         INT         PRIMARY KEY CHECK (id = 1),
    generation BIGINT      NOT NULL,
    rebuilt_at TIMESTAMPTZ
);
INSERT INTO projection_generation (id, generation) VALUES (1, 0);
