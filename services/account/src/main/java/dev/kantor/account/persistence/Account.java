package dev.kantor.account.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account in the account store, the system of record, with the id of the event that announces it. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "base_currency")
    public String baseCurrency;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "opened_at")
    public Instant openedAt;

    /** The AccountOpened event id: every (re-)publication of this account carries it. */
    @Column(name = "event_id")
    public String eventId;
}
