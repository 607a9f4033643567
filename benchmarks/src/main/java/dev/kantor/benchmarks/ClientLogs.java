package dev.kantor.benchmarks;

import java.util.logging.Level;

/**
 * The load generator's own logging, held at INFO. Quarkus' bootstrap jar on this classpath starts the log manager at
 * every level until a Quarkus application configures it, which never happens here: the Kafka clients then formatted
 * a TRACE message for every record sent and polled (a third of the generator's allocations in a flight recording),
 * on the cores the benchmark measures, only for a handler to drop them.
 */
final class ClientLogs {

    private ClientLogs() {
    }

    static void quiet() {
        // The JDK's own loggers (the HTTP client's) then go to the same log manager instead of warning that it was
        // touched before it was named.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        org.jboss.logmanager.Logger.getLogger("").setLevel(Level.INFO);
    }
}
