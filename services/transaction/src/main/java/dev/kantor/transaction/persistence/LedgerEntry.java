package dev.kantor.transaction.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One signed movement of one currency on one account; the balances are the sums of these. */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "transaction_id")
    public String transactionId;

    @Column(name = "account_id")
    public String accountId;

    public String currency;

    @Column(precision = 19, scale = 4)
    public BigDecimal amount;

    @Column(name = "created_at")
    public Instant createdAt;
}
