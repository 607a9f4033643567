package dev.kantor.gateway.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account as the accounts topic announced it: its owner is the only user who may see or use it. */
@Entity
@Table(name = "owned_account")
public class OwnedAccount extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "base_currency")
    public String baseCurrency;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "opened_at")
    public Instant openedAt;
}
