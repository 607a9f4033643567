package dev.kantor.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One PostgreSQL role per service, owning only its schema of the {@code kantor} database (its Flyway migrations run
 * as that role), and one for the schema registry, owning the {@code registry} database. No role may connect to the
 * other database, create a schema, or use another role's schema: a compromised wallet service cannot read or write
 * the transaction ledger. The same roles, by name, are the CloudNativePG managed roles of k8s/.
 *
 * <p>{@link #apply} is idempotent and repairs what an older launcher left: schemas and tables owned by the admin user
 * are given to their role. The admin user (postgres) stays the operator's identity: the audit, benchmarks and the
 * tests that inspect every schema use it.
 */
public final class DatabaseRoles {

    /** The services that have a database, with their schema (their {@code quarkus.flyway.schemas}). */
    public static final Map<String, String> SCHEMAS = schemas();

    /** The owner name of the schema registry's database. */
    public static final String REGISTRY = "registry";

    /** Serialises concurrent appliers (the supervisor, several test JVMs): an advisory lock in the kantor database. */
    private static final long LOCK = 0x6b616e746f72L; // "kantor"

    private static final String[] SYSTEM_SCHEMAS = {"pg_catalog", "information_schema"};

    private DatabaseRoles() {
    }

    private static Map<String, String> schemas() {
        Map<String, String> schemas = new LinkedHashMap<>();
        schemas.put("account", "account");
        schemas.put("transaction", "transaction");
        schemas.put("wallet", "wallet");
        schemas.put("gateway", "gateway");
        return Collections.unmodifiableMap(schemas);
    }

    /** A user name and password to log in with. */
    public record Login(String user, String password) {
    }

    /** The role of a service (or of the registry): {@code kantor_<name>}. */
    public static String role(String owner) {
        return "kantor_" + owner;
    }

    /** Its password on the local platform, the pattern of the secured broker's users: loopback only, never for a shared server. */
    public static String localPassword(String owner) {
        return "kantor-local-" + owner;
    }

    public static boolean hasDatabase(String service) {
        return SCHEMAS.containsKey(service);
    }

    /** Every owner: the services with a schema, then the registry. */
    public static List<String> owners() {
        List<String> owners = new ArrayList<>(SCHEMAS.keySet());
        owners.add(REGISTRY);
        return owners;
    }

    /**
     * Creates (or repairs) every role, schema and grant, connected as the admin user. Needs a super user, or a user
     * with CREATEROLE that owns both databases; an SQLException with a class 42 state (insufficient privilege) means
     * it cannot.
     */
    public static void apply(String host, int port, String adminUser, String adminPassword) throws SQLException {
        try (Connection kantor = connect(host, port, PostgresPart.DATABASE, adminUser, adminPassword);
             Connection registry = connect(host, port, PostgresPart.REGISTRY_DATABASE, adminUser, adminPassword);
             Statement sql = kantor.createStatement(); Statement registrySql = registry.createStatement()) {
            sql.execute("SET lock_timeout = '60s'");
            registrySql.execute("SET lock_timeout = '60s'");
            // A session lock: the roles are committed before the registry's database is given to its role.
            sql.execute("SELECT pg_advisory_lock(" + LOCK + ")");
            kantor.setAutoCommit(false);
            for (String owner : owners()) {
                ensureRole(sql, role(owner), localPassword(owner));
            }
            // The database: only the services' roles (and the admin) connect; nobody but the admin creates schemas.
            sql.execute("REVOKE ALL ON DATABASE " + PostgresPart.DATABASE + " FROM PUBLIC");
            sql.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            for (Map.Entry<String, String> service : SCHEMAS.entrySet()) {
                String role = role(service.getKey());
                sql.execute("GRANT CONNECT ON DATABASE " + PostgresPart.DATABASE + " TO " + role);
                ensureSchema(sql, service.getValue(), role);
            }
            kantor.commit();
            // The registry's database is the registry role's, with the tables an older launcher's registry made.
            registry.setAutoCommit(false);
            if (!owner(registrySql, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
                    .equals(role(REGISTRY))) {
                registrySql.execute("ALTER DATABASE " + PostgresPart.REGISTRY_DATABASE + " OWNER TO " + role(REGISTRY));
            }
            registrySql.execute("REVOKE ALL ON DATABASE " + PostgresPart.REGISTRY_DATABASE + " FROM PUBLIC");
            for (String schema : userSchemas(registrySql)) {
                if (!schema.equals("public")) {
                    registrySql.execute("ALTER SCHEMA " + quote(schema) + " OWNER TO " + role(REGISTRY));
                }
                adopt(registry, schema, role(REGISTRY));
            }
            registry.commit();
        }
    }

    /** {@link #apply} on a running platform's database, as its admin user. */
    public static void apply(Endpoints endpoints) throws SQLException {
        apply(endpoints.postgresHost(), endpoints.postgresPort(), endpoints.postgresUser(), endpoints.postgresPassword());
    }

    /**
     * What a service (or the registry) logs in as: its own role; the admin user only where the roles could not be
     * made (an external server whose user may not create roles), which is said on stderr.
     */
    public static Login login(Endpoints endpoints, String owner) {
        Login role = new Login(role(owner), localPassword(owner));
        String database = owner.equals(REGISTRY) ? PostgresPart.REGISTRY_DATABASE : endpoints.database();
        try (Connection ignored = connect(endpoints.postgresHost(), endpoints.postgresPort(), database, role.user(), role.password())) {
            return role;
        } catch (SQLException e) {
            // 28: no such role, or a wrong password. Anything else (the server down) is no reason to run as the admin.
            if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                System.err.println("kantor: the database role " + role.user() + " cannot log in (" + e.getMessage().strip()
                        + "): " + owner + " uses " + endpoints.postgresUser() + " instead");
                return new Login(endpoints.postgresUser(), endpoints.postgresPassword());
            }
            return role;
        }
    }

    private static void ensureRole(Statement sql, String role, String password) throws SQLException {
        boolean exists;
        try (ResultSet rs = sql.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
            exists = rs.next();
        }
        // A new role has no power (NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS are the defaults);
        // naming them in ALTER ROLE would need a super user even where a CREATEROLE admin could do the rest.
        sql.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN PASSWORD '" + password + "'");
    }

    private static void ensureSchema(Statement sql, String schema, String role) throws SQLException {
        String current = owner(sql, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = '" + schema + "'");
        if (current.isEmpty()) {
            sql.execute("CREATE SCHEMA " + quote(schema) + " AUTHORIZATION " + role);
        } else if (!current.equals(role)) {
            sql.execute("ALTER SCHEMA " + quote(schema) + " OWNER TO " + role);
        }
        sql.execute("REVOKE ALL ON SCHEMA " + quote(schema) + " FROM PUBLIC");
        adopt(sql.getConnection(), schema, role);
    }

    /**
     * Gives the role every table, view, sequence, function and type of the schema it does not own yet (what an
     * older launcher's services, running as the admin, created). Sequences of a table's columns follow their table.
     */
    static void adopt(Connection connection, String schema, String role) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.relkind, c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND pg_get_userbyid(c.relowner) <> ?
                  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
                ORDER BY c.relkind = 'S', c.oid""")) {
            query.setString(1, schema);
            query.setString(2, role);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String kind = switch (rs.getString(1)) {
                        case "v" -> "VIEW";
                        case "m" -> "MATERIALIZED VIEW";
                        case "f" -> "FOREIGN TABLE";
                        case "S" -> "SEQUENCE";
                        default -> "TABLE";
                    };
                    statements.add("ALTER " + kind + " " + rs.getString(2) + " OWNER TO " + role);
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND pg_get_userbyid(p.proowner) <> ?""")) {
            query.setString(1, schema);
            query.setString(2, role);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    statements.add("ALTER ROUTINE " + rs.getString(1) + " OWNER TO " + role);
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = ? AND t.typtype IN ('e', 'd', 'r', 'c') AND pg_get_userbyid(t.typowner) <> ?
                  AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')""")) {
            query.setString(1, schema);
            query.setString(2, role);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    statements.add("ALTER TYPE " + rs.getString(1) + " OWNER TO " + role);
                }
            }
        }
        try (Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    private static List<String> userSchemas(Statement sql) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('"
                + String.join("', '", SYSTEM_SCHEMAS) + "') AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    private static String owner(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static Connection connect(String host, int port, String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        // The driver itself, not DriverManager: in a Quarkus test the driver registered there may come from another
        // class loader than this class, and DriverManager then finds no suitable driver.
        Connection connection = new org.postgresql.Driver().connect("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver refused jdbc:postgresql://" + host + ":" + port + "/" + database, "08001");
        }
        return connection;
    }
}
