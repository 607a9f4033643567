package dev.kantor.gateway.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A transaction asked for through the gateway: stored before it is published, with its idempotency key, so that a
 * retry finds it and re-publishes (if it never went out) exactly the same event instead of a second request.
 */
@Entity
@Table(name = "transaction_request")
public class TransactionRequest extends PanacheEntityBase {

    @Id
    @Column(name = "transaction_id")
    public String transactionId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "account_id")
    public String accountId;

    @Column(name = "event_id")
    public String eventId;

    public String kind;

    public BigDecimal amount;

    public String currency;

    @Column(name = "target_currency")
    public String targetCurrency;

    @Column(name = "requested_at")
    public Instant requestedAt;

    public String fingerprint;

    public boolean published;

    /** The firm quote an exchange names (contract v2), null without one; the rate and tolerance travel with it. */
    @Column(name = "quote_id")
    public String quoteId;

    @Column(name = "quoted_rate")
    public BigDecimal quotedRate;

    @Column(name = "quote_tolerance")
    public BigDecimal quoteTolerance;

    /** Until when the send in flight holds it: only then may the relay send it (RequestOutbox). */
    @Column(name = "relay_after")
    public Instant relayAfter;

    /** The trace of the HTTP call that stored it, continued by its event however late it is sent; null if none. */
    @Column(name = "trace_parent")
    public String traceParent;
}
