package dev.kantor.transaction.persistence;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** What one account holds in one currency; the database refuses a negative amount as a last line of defence. */
@Entity
@Table(name = "balance")
@IdClass(Balance.Key.class)
public class Balance extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    public String currency;

    @Column(precision = 19, scale = 4)
    public BigDecimal amount;

    /** The composite key (account, currency). */
    public static class Key implements Serializable {

        public String accountId;
        public String currency;

        public Key() {
        }

        public Key(String accountId, String currency) {
            this.accountId = accountId;
            this.currency = currency;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.accountId.equals(accountId) && k.currency.equals(currency);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, currency);
        }
    }
}
