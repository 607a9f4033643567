package dev.kantor.service.persistence;

import java.util.ArrayList;
import java.util.List;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Writes many rows of one table in a few multi-row INSERT statements inside the caller's transaction: one round
 * trip per chunk instead of one per row, which is what makes a batch of hundreds of requests cheap.
 *
 * <p>With column types ({@link #typed}) the rows travel as one text array per column and PostgreSQL unnests and
 * casts them: one statement with a handful of parameters whatever the number of rows, the same statement text for
 * every batch (prepared once per connection), and no per-value parameter binding in Hibernate, which is where a
 * 3,500-parameter multi-row VALUES statement spends most of its time.
 */
public final class BulkInsert {

    /** PostgreSQL binds at most 65,535 parameters per statement. */
    private static final int MAX_PARAMETERS = 60_000;

    private final String table;
    private final List<String> columns;
    private final String onConflict;
    private final List<String> types;
    private final List<Object[]> rows = new ArrayList<>();

    public BulkInsert(String table, List<String> columns, String onConflict) {
        this(table, columns, null, onConflict);
    }

    private BulkInsert(String table, List<String> columns, List<String> types, String onConflict) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.types = types == null ? null : List.copyOf(types);
        this.onConflict = onConflict;
        if (types != null && types.size() != columns.size()) {
            throw new IllegalArgumentException(table + ": " + columns.size() + " columns but " + types.size() + " types");
        }
    }

    /** Rows sent as one array per column ({@code unnest}); {@code types} are the columns' SQL types, in order. */
    public static BulkInsert typed(String table, List<String> columns, List<String> types, String onConflict) {
        return new BulkInsert(table, columns, types, onConflict);
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
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (types != null) {
            return unnest(session);
        }
        int perStatement = Math.max(1, MAX_PARAMETERS / columns.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            chain = chain.chain(() -> statement(session, chunk));
        }
        return chain;
    }

    private Uni<Void> unnest(Mutiny.Session session) {
        var query = session.createNativeQuery(unnestSql("?"));
        List<String[]> columnValues = columnArrays();
        for (int column = 0; column < columnValues.size(); column++) {
            query.setParameter(column + 1, columnValues.get(column));
        }
        return query.executeUpdate().replaceWithVoid();
    }

    /**
     * The same rows on the SQL client's connection ({@link SqlTransactions}): one statement, one array parameter per
     * column. Only for typed inserts.
     */
    public Uni<Void> execute(io.vertx.mutiny.sqlclient.SqlConnection connection) {
        if (types == null) {
            throw new IllegalStateException(table + ": only a typed BulkInsert runs on the SQL client");
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        io.vertx.mutiny.sqlclient.Tuple parameters = io.vertx.mutiny.sqlclient.Tuple.tuple();
        columnArrays().forEach(parameters::addArrayOfString);
        return connection.preparedQuery(unnestSql("$")).execute(parameters).replaceWithVoid();
    }

    /**
     * The rows as a {@code select} whose columns carry this insert's column names and types, for a statement that does
     * more with them than insert them (a CTE's input); its parameters are {@link #columnParameters()}, numbered from 1.
     */
    public String select() {
        if (types == null) {
            throw new IllegalStateException(table + ": only a typed BulkInsert has a select form");
        }
        return unnestSelect("?", true);
    }

    /** The parameters of {@link #select()}: one text array per column, in column order. */
    public List<String[]> columnParameters() {
        return columnArrays();
    }

    /** {@code insert ... select cast(...) from unnest(...)}, its parameters written {@code marker}1, {@code marker}2... */
    private String unnestSql(String marker) {
        StringBuilder sql = new StringBuilder("insert into ").append(table).append(" (").append(String.join(", ", columns))
                .append(") ").append(unnestSelect(marker, false));
        if (onConflict != null) {
            sql.append(' ').append(onConflict);
        }
        return sql.toString();
    }

    private String unnestSelect(String marker, boolean named) {
        StringBuilder sql = new StringBuilder("select ");
        for (int column = 0; column < columns.size(); column++) {
            sql.append(column == 0 ? "" : ", ").append("cast(u.c").append(column).append(" as ").append(types.get(column)).append(')');
            if (named) {
                sql.append(" as ").append(columns.get(column));
            }
        }
        sql.append(" from unnest(");
        for (int column = 0; column < columns.size(); column++) {
            sql.append(column == 0 ? "" : ", ").append("cast(").append(marker).append(column + 1).append(" as text[])");
        }
        sql.append(") as u(");
        for (int column = 0; column < columns.size(); column++) {
            sql.append(column == 0 ? "" : ", ").append('c').append(column);
        }
        return sql.append(')').toString();
    }

    /** The rows as one text array per column. */
    private List<String[]> columnArrays() {
        List<String[]> arrays = new ArrayList<>(columns.size());
        for (int column = 0; column < columns.size(); column++) {
            String[] values = new String[rows.size()];
            for (int row = 0; row < values.length; row++) {
                values[row] = text(rows.get(row)[column]);
            }
            arrays.add(values);
        }
        return arrays;
    }

    /** A value in PostgreSQL's text input format for its column type. */
    private static String text(Object value) {
        return switch (value) {
            case null -> null;
            case byte[] bytes -> "\\x" + java.util.HexFormat.of().formatHex(bytes);
            case java.math.BigDecimal decimal -> decimal.toPlainString();
            case Enum<?> constant -> constant.name();
            default -> value.toString();
        };
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
