package dev.kantor.transaction.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The money path's settings (kantor.transaction.*). */
@ConfigMapping(prefix = "kantor.transaction")
public interface TransactionConfig {

    /** Records per poll, and so per database transaction. */
    int batchSize();

    /** An exchange is refused when the latest rate of its pair is older than this. */
    Duration maxRateAge();

    /**
     * How long a batch naming an account the view lacks waits for the accounts view to catch up before deciding with
     * what it holds. Bounded, so that a stalled accounts consumer cannot hold a partition forever; long enough for the
     * view to catch up after the service restarts under load (5 s was not: 2 and 22 of 500 fresh accounts refused).
     * Only a view that really is behind waits: one that is complete answers an unknown account at once.
     */
    @WithDefault("PT30S")
    Duration accountViewWait();
}
