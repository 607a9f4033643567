package dev.kantor.gateway.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What became of a transaction (approved or rejected), as the API serves it. */
@Entity
@Table(name = "transaction_outcome")
public class TransactionOutcome extends PanacheEntityBase {

    @Id
    @Column(name = "transaction_id")
    public String transactionId;

    @Column(name = "user_id")
    public String userId;

    public String status;

    /** The outcome as JSON. */
    public String outcome;

    @Column(name = "decided_at")
    public Instant decidedAt;
}
