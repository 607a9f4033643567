package dev.kantor.gateway.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A firm exchange quote given to a user: the rate an exchange naming it is decided against, until it expires. */
@Entity
@Table(name = "quote")
public class Quote extends PanacheEntityBase {

    @Id
    @Column(name = "quote_id")
    public String quoteId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "from_currency")
    public String fromCurrency;

    @Column(name = "to_currency")
    public String toCurrency;

    public BigDecimal rate;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
