package dev.kantor.gateway.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The latest quote of a pair, as JSON. */
@Entity
@Table(name = "latest_rate")
public class LatestRate extends PanacheEntityBase {

    @Id
    public String pair;

    @Column(name = "quoted_at")
    public Instant quotedAt;

    public String payload;
}
