package dev.kantor.transaction.config;

import java.time.Duration;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The money path's settings (kantor.transaction.*). */
@ConfigMapping(prefix = "kantor.transaction")
public interface TransactionConfig {

    /** Records per poll, and so per database transaction. */
    int batchSize();

    /** An exchange is refused when the latest rate of its pair is older than this. */
    Duration maxRateAge();

    /** ISO 4217 codes the exchange deals in. */
    Set<String> currencies();

    /** First pause before retrying a transient failure (database or broker down); doubles up to retryMax. */
    Duration retryInitial();

    Duration retryMax();

    /**
     * How long a batch naming an account the view lacks waits for the accounts view to catch up before deciding with
     * what it holds: bounded, so a stalled accounts consumer delays requests for unknown accounts, never all others.
     */
    @WithDefault("PT5S")
    Duration accountViewWait();
}
