-- The account store: the system of record of every account, with the event that announced it.
CREATE TABLE account (
    account_id    VARCHAR(64)  PRIMARY KEY,
    -- The business key: a repeated opening request finds its account here instead of opening a second one.
    request_id    VARCHAR(64)  NOT NULL UNIQUE,
    user_id       VARCHAR(128) NOT NULL,
    base_currency CHAR(3)      NOT NULL,
    display_name  VARCHAR(64)  NOT NULL,
    opened_at     TIMESTAMPTZ  NOT NULL,
    -- The id of the AccountOpened event, stored so that every re-publication carries the same one.
    event_id      VARCHAR(64)  NOT NULL UNIQUE
);
CREATE INDEX account_user ON account (user_id);

-- One row per request event handled: the technical de-duplication.
CREATE TABLE processed_event (
    event_id     VARCHAR(64) PRIMARY KEY,
    request_id   VARCHAR(64) NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);
