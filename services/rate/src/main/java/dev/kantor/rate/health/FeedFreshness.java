package dev.kantor.rate.health;

import java.time.Clock;
import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.kantor.rate.config.RateConfig;
import dev.kantor.rate.domain.LatestRates;
import dev.kantor.rate.feed.RateFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Readiness says when the feed has gone quiet for longer than kantor.rate.stale-after, and how long it has been. */
@Readiness
@ApplicationScoped
public class FeedFreshness implements HealthCheck {

    @Inject
    public LatestRates latest;

    @Inject
    public RateFeed feed;

    @Inject
    public RateConfig config;

    /** The time source, replaceable in tests. */
    public Clock clock = Clock.systemUTC();

    @Override
    public HealthCheckResponse call() {
        var silence = latest.silence(clock.instant());
        boolean fresh = silence.map(s -> s.compareTo(config.staleAfter()) <= 0).orElse(false);
        return HealthCheckResponse.named("rate feed").status(fresh)
                .withData("feed", feed.name())
                .withData("state", silence.isEmpty() ? "no quote yet" : fresh ? "fresh" : "stale")
                .withData("lastQuoteSecondsAgo", silence.map(Duration::toSeconds).orElse(-1L))
                .withData("staleAfterSeconds", config.staleAfter().toSeconds())
                .build();
    }
}
