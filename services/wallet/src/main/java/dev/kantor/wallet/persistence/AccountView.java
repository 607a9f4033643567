package dev.kantor.wallet.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account as the accounts topic announced it: the user's first account gives the wallet its base currency. */
@Entity
@Table(name = "account_view")
public class AccountView extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "base_currency")
    public String baseCurrency;

    @Column(name = "opened_at")
    public Instant openedAt;
}
