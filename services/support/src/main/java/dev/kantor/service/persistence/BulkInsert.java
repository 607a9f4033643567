package dev.kantor.service.persistence;

import java.util.ArrayList;
import java.util.List;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Writes many rows of one table in a few multi-row INSERT statements inside the caller's transaction: one round
 * trip per chunk instead of one per row, which is what makes a batch of hundreds of requests cheap.
 */
public final class BulkInsert {

    /** PostgreSQL binds at most 65,535 parameters per statement. */
    private static final int MAX_PARAMETERS = 60_000;

    private final String table;
    private final List<String> columns;
    private final String onConflict;
    private final List<Object[]> rows = new ArrayList<>();

    public BulkInsert(String table, List<String> columns, String onConflict) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.onConflict = onConflict;
    }

    public void add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(table + " takes " + columns.size() + " values, got " + values.length);
        }
        rows.add(values);
    }

    public int size() {
        return rows.size();
    }

    public Uni<Void> execute(Mutiny.Session session) {
        int perStatement = Math.max(1, MAX_PARAMETERS / columns.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            chain = chain.chain(() -> statement(session, chunk));
        }
        return chain;
    }

    private Uni<Void> statement(Mutiny.Session session, List<Object[]> chunk) {
        StringBuilder sql = new StringBuilder("insert into ").append(table).append(" (")
                .append(String.join(", ", columns)).append(") values ");
        int parameter = 1;
        for (int row = 0; row < chunk.size(); row++) {
            sql.append(row == 0 ? "(" : ", (");
            for (int column = 0; column < columns.size(); column++) {
                sql.append(column == 0 ? "?" : ", ?").append(parameter++);
            }
            sql.append(')');
        }
        if (onConflict != null) {
            sql.append(' ').append(onConflict);
        }
        var query = session.createNativeQuery(sql.toString());
        parameter = 1;
        for (Object[] values : chunk) {
            for (Object value : values) {
                query.setParameter(parameter++, value);
            }
        }
        return query.executeUpdate().replaceWithVoid();
    }
}
