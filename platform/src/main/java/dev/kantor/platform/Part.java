package dev.kantor.platform;

import java.time.Duration;
import java.util.OptionalLong;

/** One process of the local platform (a broker, the registry, PostgreSQL) that the supervisor starts, checks and stops. */
public interface Part {

    String name();

    /** Where it listens, for the table the launcher prints. */
    String address();

    void start();

    /** Blocks until the part answers, or fails with the tail of its log. */
    void awaitHealthy(Duration timeout);

    boolean healthy();

    void stop();

    OptionalLong pid();
}
