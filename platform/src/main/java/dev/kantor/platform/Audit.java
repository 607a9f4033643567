package dev.kantor.platform;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.KafkaException;

import dev.kantor.events.EventDecoder;

/**
 * {@code kantor audit}: reconciles the live system, which no single service can do. Per account and currency the
 * ledger sums to the balance; per user and currency the accounts' balances equal the wallet projection; no balance is
 * below zero; every transaction id has exactly one outcome event id on the topics, the one stored with it; every
 * request the gateway stored has an outcome. While differences remain (requests in flight) it checks again until the
 * settle time is up; then it reports the counts per rule and the first differences.
 */
public final class Audit implements AutoCloseable {

    /** The exit codes: clean, differences found, and the audit could not run. */
    public static final int CLEAN = 0;
    public static final int DIFFERENCES = 1;
    public static final int CANNOT_RUN = 2;

    private static final Duration PAUSE = Duration.ofSeconds(1);

    private final AuditTarget target;
    private final Connection db;
    private final OutcomeLog outcomes;

    /** Connects to the database and the broker; the database first, because it fails fast when it is not there. */
    public Audit(AuditTarget target) {
        this.target = target;
        try {
            db = connect(target);
            new AuditRules(db, target).requireTransactionSchema();
            OutcomeLog.createTable(db);
            db.setAutoCommit(false);
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            // The audit only reads; its outcome table is temporary, which a read-only transaction may still fill.
            db.setReadOnly(true);
        } catch (SQLException e) {
            throw new PlatformException("cannot use the database " + target.jdbcUrl() + ": " + e.getMessage(), e);
        }
        try {
            outcomes = new OutcomeLog(target);
        } catch (KafkaException e) {
            closeQuietly();
            throw new PlatformException("cannot read the outcome topics at " + target.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Audits the target once and again while differences remain and its settle time lasts. */
    public static AuditReport run(AuditTarget target) {
        try (Audit audit = new Audit(target)) {
            return audit.settled();
        }
    }

    AuditReport settled() {
        long started = System.nanoTime();
        long deadline = started + target.settle().toNanos();
        int checks = 0;
        while (true) {
            AuditReport report = checkOnce();
            checks++;
            if (report.clean() || System.nanoTime() >= deadline) {
                return report.after(checks, Duration.ofNanos(System.nanoTime() - started));
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlatformException("audit interrupted", e);
            }
        }
    }

    /**
     * One check: the database snapshot is fixed first, then the topics are read to their end offsets of that moment,
     * so that an outcome stored before the snapshot has had its chance to be published before the read.
     */
    AuditReport checkOnce() {
        try {
            try (Statement snapshot = db.createStatement()) {
                snapshot.execute("select 1");
            }
            outcomes.readToEnd(db);
            List<AuditReport.Rule> rules = new AuditRules(db, target).check(outcomes.retentionCutoff());
            db.commit();
            return new AuditReport(target.describe(), outcomes.describe(), rules, 1, Duration.ZERO, target.settle());
        } catch (SQLException e) {
            throw new PlatformException("the database failed during the audit: " + e.getMessage(), e);
        } catch (KafkaException e) {
            throw new PlatformException("the broker failed during the audit: " + e.getMessage(), e);
        } catch (EventDecoder.RegistryUnavailableException e) {
            throw new PlatformException("the schema registry failed during the audit: " + e.getMessage(), e);
        }
    }

    /** The command line: prints the report; exit 0 when clean, 1 with differences, 2 on a usage or connection error. */
    static int command(List<String> args, PlatformConfig config, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(AuditTarget.USAGE);
            return CLEAN;
        }
        AuditTarget target;
        try {
            target = AuditTarget.parse(args, config);
        } catch (IllegalArgumentException e) {
            err.println("kantor audit: " + e.getMessage());
            err.println(AuditTarget.USAGE);
            return CANNOT_RUN;
        }
        try {
            AuditReport report = run(target);
            out.print(report.text());
            return report.clean() ? CLEAN : DIFFERENCES;
        } catch (PlatformException e) {
            err.println("kantor audit: " + e.getMessage());
            return CANNOT_RUN;
        }
    }

    private static Connection connect(AuditTarget target) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.dbUser());
        properties.setProperty("password", target.dbPassword());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", "kantor-audit");
        return DriverManager.getConnection(target.jdbcUrl(), properties);
    }

    private void closeQuietly() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // Already failing for a better reason.
        }
    }

    @Override
    public void close() {
        outcomes.close();
        closeQuietly();
    }
}
