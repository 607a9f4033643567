package dev.kantor.transaction.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The latest quote per pair, from the rates topic; exchanges are priced with it. */
@Entity
@Table(name = "latest_rate")
public class LatestRate extends PanacheEntityBase {

    @Id
    public String pair;

    @Column(precision = 20, scale = 10)
    public BigDecimal rate;

    @Column(name = "quoted_at")
    public Instant quotedAt;
}
