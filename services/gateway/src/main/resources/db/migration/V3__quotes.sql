-- Firm exchange quotes (GET /api/quotes): an exchange request may name one, and is then decided against its rate.
-- A quote belongs to the user it was given to and is honoured until it expires (kantor.gateway.quote.ttl).
CREATE TABLE quote (
    quote_id      TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    from_currency TEXT NOT NULL,
    to_currency   TEXT NOT NULL,
    rate          NUMERIC(20, 10) NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);

-- What a request carries of its quote to the transaction service (TransactionRequested v2); null without one.
ALTER TABLE transaction_request ADD COLUMN quote_id TEXT;
ALTER TABLE transaction_request ADD COLUMN quoted_rate NUMERIC(20, 10);
ALTER TABLE transaction_request ADD COLUMN quote_tolerance NUMERIC(20, 10);
