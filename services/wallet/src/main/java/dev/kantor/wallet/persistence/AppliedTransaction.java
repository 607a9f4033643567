package dev.kantor.wallet.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A transaction counted in the holdings: found again by its transaction id or its event id, it counts once. */
@Entity
@Table(name = "applied_transaction")
public class AppliedTransaction extends PanacheEntityBase {

    @Id
    @Column(name = "transaction_id")
    public String transactionId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "user_id")
    public String userId;
}
