package dev.kantor.service.persistence;

import java.util.function.Supplier;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * How a consumer's one database transaction per batch is opened: by Panache (the session Hibernate Reactive keeps on
 * the Vert.x context, the default) or by the SQL client itself ({@link SqlTransactions}) for a handler that writes its
 * statements by hand. Either way the work runs inside it, and a failure rolls it back.
 */
public interface Transactions {

    /** Panache's transaction: {@code Panache.withTransaction}. */
    Transactions PANACHE = new Transactions() {
        @Override
        public <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
            return Panache.withTransaction(work);
        }
    };

    /** Runs {@code work} in a new transaction: committed when its Uni succeeds, rolled back when it fails. */
    <T> Uni<T> inTransaction(Supplier<Uni<T>> work);
}
