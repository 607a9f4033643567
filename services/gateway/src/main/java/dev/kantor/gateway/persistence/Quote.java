package dev.kantor.gateway.persistence;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
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

    /**
     * Deletes up to {@code limit} quotes that expired before {@code cutoff}, skipping rows another sweep holds (two
     * sweeps never wait on each other or deadlock); answers how many went. Runs in the caller's transaction.
     */
    public static Uni<Integer> sweepExpired(Instant cutoff, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "DELETE FROM {h-schema}quote WHERE quote_id IN (SELECT quote_id FROM {h-schema}quote WHERE expires_at < ?1"
                        + " LIMIT ?2 FOR UPDATE SKIP LOCKED)")
                .setParameter(1, cutoff).setParameter(2, limit).executeUpdate());
    }
}
