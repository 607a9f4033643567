package dev.kantor.rate.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The rate service's settings (kantor.rate.*): which feed, and how each feed behaves. */
@ConfigMapping(prefix = "kantor.rate")
public interface RateConfig {

    /** simulated, replay or ticker. */
    String feed();

    /** A feed whose last quote is older than this is stale (readiness says so). */
    Duration staleAfter();

    Simulated simulated();

    Replay replay();

    Ticker ticker();

    /** The seeded random walk. */
    interface Simulated {
        long seed();

        Duration tick();

        /** Standard deviation of one tick's relative move. */
        BigDecimal volatility();

        /** Pair (EUR/USD) to its reference rate. */
        Map<String, BigDecimal> reference();
    }

    /** A recorded file replayed in order. */
    interface Replay {
        /** A file path, or a class-path resource. */
        String file();

        /** 1 replays in recorded time, 10 ten times faster. */
        @WithDefault("1")
        double speed();
    }

    /** A websocket ticker. */
    interface Ticker {
        String url();

        /** Ticker symbol (EURUSDT) to pair (EUR/USD). */
        Map<String, String> symbols();
    }
}
