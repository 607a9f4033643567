package dev.kantor.wallet.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A user's wallet row: its base currency and whether a change still waits to be published. Rows are written in bulk by Projection. */
@Entity
public class Wallet extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "base_currency")
    public String baseCurrency;

    public long version;

    public boolean dirty;

    @Column(name = "changed_at")
    public Instant changedAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** The trace of the last transaction that changed it, continued by its next WalletUpdated; null if none. */
    @Column(name = "trace_parent")
    public String traceParent;
}
