package dev.kantor.wallet.persistence;

import java.io.Serializable;
import java.math.BigDecimal;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;

/** What a user holds of one currency: the sum of every approved transaction's credits and debits in it. */
@Entity
@IdClass(Holding.Key.class)
public class Holding extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Id
    public String currency;

    public BigDecimal amount;

    /** The composite identity (userId, currency). */
    public static class Key implements Serializable {
        public String userId;
        public String currency;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && java.util.Objects.equals(userId, key.userId) && java.util.Objects.equals(currency, key.currency);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(userId, currency);
        }
    }
}
