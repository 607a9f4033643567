package dev.kantor.transaction.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The outcome event of a transaction, stored in the same database transaction as its effects so that it can be
 * (re-)published after commit with its original event id. Its key, the transaction id, is the functional de-duplication.
 */
@Entity
@Table(name = "stored_outcome")
public class StoredOutcome extends PanacheEntityBase {

    @Id
    @Column(name = "transaction_id")
    public String transactionId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "request_event_id")
    public String requestEventId;

    @Column(name = "account_id")
    public String accountId;

    /** TransactionApproved or TransactionRejected. */
    @Column(name = "event_type")
    public String eventType;

    /** The outcome in Avro binary (its schema is the one compiled into the events jar). */
    public byte[] payload;

    @Column(name = "created_at")
    public Instant createdAt;

    /**
     * The event itself, while the outcome is fresh from this batch: publishing it needs no decoding of the payload.
     * Null for an outcome read back from the database (a redelivery).
     */
    @jakarta.persistence.Transient
    public org.apache.avro.specific.SpecificRecordBase event;
}
