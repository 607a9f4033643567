package dev.kantor.gateway.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account opening asked for through the gateway, found again by its idempotency key. */
@Entity
@Table(name = "opening_request")
public class OpeningRequest extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public String requestId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "account_id")
    public String accountId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "base_currency")
    public String baseCurrency;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "requested_at")
    public Instant requestedAt;

    public boolean published;

    /** Until when the send in flight holds it: only then may the relay send it (RequestOutbox). */
    @Column(name = "relay_after")
    public Instant relayAfter;
}
