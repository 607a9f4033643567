-- GET /api/transactions: a user's history, newest first, from their requests and their outcomes.
CREATE INDEX transaction_request_user_time ON transaction_request (user_id, requested_at DESC);
CREATE INDEX transaction_outcome_user_time ON transaction_outcome (user_id, decided_at DESC);
