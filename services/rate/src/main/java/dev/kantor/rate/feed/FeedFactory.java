package dev.kantor.rate.feed;

import java.time.Clock;

import dev.kantor.rate.config.RateConfig;
import dev.kantor.rate.domain.LatestRates;
import dev.kantor.rate.domain.RandomWalk;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the feed that kantor.rate.feed names, and the one store of latest quotes. */
@ApplicationScoped
public class FeedFactory {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    @Produces
    @Singleton
    RateFeed feed(RateConfig config, Vertx vertx) {
        return switch (config.feed()) {
            case "simulated" -> new SimulatedFeed(new RandomWalk(config.simulated().seed(), config.simulated().volatility(),
                    config.simulated().reference()), config.simulated().tick(), Clock.systemUTC());
            case "replay" -> new ReplayFeed(ReplayFeed.read(config.replay().file()), config.replay().speed(), Clock.systemUTC());
            case "ticker" -> new TickerFeed(vertx, config.ticker().url(), config.ticker().symbols(), backoff);
            default -> throw new IllegalArgumentException("kantor.rate.feed must be simulated, replay or ticker, was " + config.feed());
        };
    }

    @Produces
    @Singleton
    LatestRates latestRates() {
        return new LatestRates();
    }
}
