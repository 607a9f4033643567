-- The W3C traceparent of the last transaction that changed the wallet: its WalletUpdated continues that trace
-- (README, "Tracing"). Null for a wallet changed only by accounts or rates.
ALTER TABLE wallet ADD COLUMN trace_parent VARCHAR(55);
