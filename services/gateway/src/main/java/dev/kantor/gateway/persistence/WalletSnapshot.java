package dev.kantor.gateway.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The latest WalletUpdated of a user, as JSON. */
@Entity
@Table(name = "wallet_snapshot")
public class WalletSnapshot extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "as_of")
    public Instant asOf;

    public String payload;
}
