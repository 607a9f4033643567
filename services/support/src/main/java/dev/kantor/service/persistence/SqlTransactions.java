package dev.kantor.service.persistence;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * A transaction on the reactive SQL client's own connection, for the one hot path whose statements are written by
 * hand (the money path's ledger): nothing between them and the connection, so no Hibernate session, query
 * interpretation or entity mapping per batch, and statements that do not depend on each other are pipelined on the
 * connection (sent together, answered together) instead of waiting one round trip each. The connection is the
 * current one of the Vert.x context while the work runs ({@link #connection()}), as Panache's session is.
 */
@ApplicationScoped
public class SqlTransactions implements Transactions {

    private static final String CONNECTION = SqlTransactions.class.getName() + ".connection";

    /** Looked up, not required: services without a database (rate, the fleet) share this module. */
    private final Instance<Pool> pool;

    SqlTransactions(Instance<Pool> pool) {
        this.pool = pool;
    }

    @Override
    public <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("a SQL transaction must start on a Vert.x context");
        }
        return pool.get().withTransaction(connection -> {
            context.putLocal(CONNECTION, connection);
            return Uni.createFrom().<T>deferred(work::get).eventually(() -> context.removeLocal(CONNECTION));
        });
    }

    /** The connection of the transaction running on this Vert.x context. */
    public static SqlConnection connection() {
        Context context = Vertx.currentContext();
        SqlConnection connection = context == null ? null : context.getLocal(CONNECTION);
        if (connection == null) {
            throw new IllegalStateException("no SqlTransactions transaction runs on this context");
        }
        return connection;
    }
}
