-- The requests as an outbox (messaging.RequestRelay): a stored request that never reached the broker (a crash
-- between commit and send, the broker down) is sent by the relay, with its original event id.

-- When the relay may send the request: the HTTP call's own send holds a new request until then, and every relay
-- claim holds it again (kantor.gateway.relay.lease), so that a send still in flight is not doubled. The default
-- lets replicas of the previous version keep inserting during a rolling upgrade (their rows are due at once).
ALTER TABLE transaction_request ADD COLUMN relay_after TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE opening_request ADD COLUMN relay_after TIMESTAMPTZ NOT NULL DEFAULT now();

-- Only the unpublished rows are looked for, and there are few of them: a partial index stays that small.
CREATE INDEX transaction_request_unpublished ON transaction_request (relay_after) WHERE NOT published;
CREATE INDEX opening_request_unpublished ON opening_request (relay_after) WHERE NOT published;
