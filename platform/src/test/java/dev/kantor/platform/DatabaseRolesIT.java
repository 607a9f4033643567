package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services' database roles on the real PostgreSQL of the local platform: each owns its schema and reaches
 * nothing else. A compromised wallet service can neither read nor rewrite the transaction ledger.
 */
class DatabaseRolesIT {

    static Endpoints endpoints;

    @BeforeAll
    static void platformRuns() {
        // A platform started by an older launcher gets its roles here (ensureRunning applies them).
        endpoints = LocalPlatform.fromEnvironment().ensureRunning();
    }

    @Test
    void theWalletsRoleCannotReadOrWriteTheTransactionLedger() throws SQLException {
        try (Connection wallet = as("wallet"); Statement sql = wallet.createStatement()) {
            for (String statement : List.of(
                    "select count(*) from transaction.balance",
                    "select count(*) from transaction.ledger_entry",
                    "insert into transaction.ledger_entry (id, transaction_id, account_id, currency, amount, created_at)"
                            + " values (gen_random_uuid(), 'forged', 'forged', 'EUR', 1000000, now())",
                    "update transaction.balance set amount = amount + 1000000",
                    "delete from transaction.ledger_entry",
                    "create table transaction.forged (id int)",
                    "alter table transaction.balance drop constraint if exists balance_amount_check")) {
                assertDenied(sql, statement);
            }
        }
    }

    @Test
    void theAccountsRoleCannotTouchTheWallets() throws SQLException {
        try (Connection account = as("account"); Statement sql = account.createStatement()) {
            for (String statement : List.of(
                    "select count(*) from wallet.holding",
                    "select count(*) from wallet.wallet",
                    "update wallet.holding set amount = 0",
                    "truncate wallet.holding",
                    "create table wallet.forged (id int)")) {
                assertDenied(sql, statement);
            }
        }
    }

    @Test
    void noServiceRoleReachesAnotherServicesSchema() throws SQLException {
        for (String service : DatabaseRoles.SCHEMAS.keySet()) {
            try (Connection connection = as(service); Statement sql = connection.createStatement()) {
                for (Map.Entry<String, String> other : DatabaseRoles.SCHEMAS.entrySet()) {
                    if (!other.getKey().equals(service)) {
                        assertDenied(sql, "create table " + quote(other.getValue()) + ".forged (id int)");
                        assertFalse(bool(sql, "select has_schema_privilege('" + other.getValue() + "', 'USAGE')"),
                                service + " may use schema " + other.getValue());
                    }
                }
                assertDenied(sql, "create schema forged_" + service);
                assertDenied(sql, "create table public.forged (id int)");
            }
        }
    }

    @Test
    void eachRoleOwnsItsSchemaAndCreatesReadsAndWritesInIt() throws SQLException {
        for (Map.Entry<String, String> service : DatabaseRoles.SCHEMAS.entrySet()) {
            String role = DatabaseRoles.role(service.getKey());
            String table = quote(service.getValue()) + ".roles_it_" + System.nanoTime();
            try (Connection connection = as(service.getKey()); Statement sql = connection.createStatement()) {
                assertEquals(role, string(sql, "select pg_get_userbyid(nspowner) from pg_namespace where nspname = '" + service.getValue() + "'"));
                assertEquals("0", string(sql, "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                        + " where n.nspname = '" + service.getValue() + "' and pg_get_userbyid(c.relowner) <> '" + role + "'"),
                        "every table of " + service.getValue() + " is " + role + "'s (Flyway's history too)");
                sql.execute("create table " + table + " (id bigserial primary key, note text)");
                try {
                    sql.execute("insert into " + table + " (note) values ('mine')");
                    sql.execute("update " + table + " set note = 'still mine'");
                    assertEquals("still mine", string(sql, "select note from " + table));
                } finally {
                    sql.execute("drop table " + table);
                }
                assertFalse(bool(sql, "select rolsuper or rolcreatedb or rolcreaterole or rolbypassrls from pg_roles where rolname = current_user"),
                        role + " has no power beyond its schema");
            }
        }
    }

    @Test
    void theRegistryHasItsOwnDatabaseAndNoServiceReachesIt() throws SQLException {
        try (Connection registry = DatabaseRoles.connect(endpoints.postgresHost(), endpoints.postgresPort(), PostgresPart.REGISTRY_DATABASE,
                DatabaseRoles.role(DatabaseRoles.REGISTRY), DatabaseRoles.localPassword(DatabaseRoles.REGISTRY));
             Statement sql = registry.createStatement()) {
            assertEquals(DatabaseRoles.role(DatabaseRoles.REGISTRY), string(sql,
                    "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"));
            assertEquals("0", string(sql, "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = 'public' and pg_get_userbyid(c.relowner) <> current_user"), "the registry's tables are its own");
        }
        for (String service : DatabaseRoles.SCHEMAS.keySet()) {
            SQLException refused = assertThrows(SQLException.class, () -> DatabaseRoles.connect(endpoints.postgresHost(),
                    endpoints.postgresPort(), PostgresPart.REGISTRY_DATABASE, DatabaseRoles.role(service), DatabaseRoles.localPassword(service)).close());
            assertEquals("42501", refused.getSQLState(), service + ": " + refused.getMessage());
        }
        SQLException refused = assertThrows(SQLException.class, () -> as(DatabaseRoles.REGISTRY).close());
        assertEquals("42501", refused.getSQLState(), "the registry in the kantor database: " + refused.getMessage());
    }

    @Test
    void applyingAgainGivesALegacyTableToItsRoleAndChangesNothingElse() throws SQLException {
        String table = "wallet.roles_it_legacy_" + System.nanoTime();
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            // What an older launcher's service left: a table (and its sequence) owned by the admin user.
            sql.execute("create table " + table + " (id bigserial primary key)");
            try {
                DatabaseRoles.apply(endpoints);
                DatabaseRoles.apply(endpoints);
                assertEquals("kantor_wallet", string(sql, "select pg_get_userbyid(relowner) from pg_class where oid = '" + table + "'::regclass"));
                assertEquals("kantor_wallet", string(sql, "select pg_get_userbyid(relowner) from pg_class where oid = '" + table + "_id_seq'::regclass"));
                try (Connection wallet = as("wallet"); Statement walletSql = wallet.createStatement()) {
                    walletSql.execute("insert into " + table + " default values");
                }
            } finally {
                sql.execute("drop table if exists " + table);
            }
        }
    }

    private static void assertDenied(Statement sql, String statement) {
        SQLException denied = assertThrows(SQLException.class, () -> sql.execute(statement), statement);
        assertEquals("42501", denied.getSQLState(), statement + ": " + denied.getMessage());
        assertTrue(denied.getMessage().contains("permission denied"), denied.getMessage());
    }

    private static Connection as(String owner) throws SQLException {
        return DatabaseRoles.connect(endpoints.postgresHost(), endpoints.postgresPort(), endpoints.database(),
                DatabaseRoles.role(owner), DatabaseRoles.localPassword(owner));
    }

    private static Connection admin() throws SQLException {
        return DatabaseRoles.connect(endpoints.postgresHost(), endpoints.postgresPort(), endpoints.database(),
                endpoints.postgresUser(), endpoints.postgresPassword());
    }

    private static String string(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            assertEquals(1, values.size(), query);
            return values.get(0);
        }
    }

    private static boolean bool(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getBoolean(1);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier + "\"";
    }
}
