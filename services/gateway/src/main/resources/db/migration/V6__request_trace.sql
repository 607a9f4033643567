-- The W3C traceparent of the HTTP call that stored the request: its TransactionRequested continues that trace
-- whether the call itself or the relay publishes it (README, "Tracing").
ALTER TABLE transaction_request ADD COLUMN trace_parent VARCHAR(55);
