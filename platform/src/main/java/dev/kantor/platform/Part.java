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

    /**
     * kill -9: no chance to flush, hand over or say goodbye. Parts that run as a process of their own override it;
     * the default kills whatever process {@link #pid()} names.
     */
    default void kill() {
        pid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        }));
    }

    OptionalLong pid();
}
