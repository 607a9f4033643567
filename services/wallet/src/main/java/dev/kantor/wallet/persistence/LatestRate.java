package dev.kantor.wallet.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The latest quote of a pair, by which wallets are valued. */
@Entity
@Table(name = "latest_rate")
public class LatestRate extends PanacheEntityBase {

    @Id
    public String pair;

    @Column(name = "base_currency")
    public String baseCurrency;

    @Column(name = "quote_currency")
    public String quoteCurrency;

    public BigDecimal rate;

    @Column(name = "quoted_at")
    public Instant quotedAt;
}
