package dev.kantor.rate.feed;

import java.time.Clock;
import java.time.Duration;

import dev.kantor.rate.domain.Quote;
import dev.kantor.rate.domain.RandomWalk;
import io.smallrye.mutiny.Multi;

/** The default feed: a seeded random walk around reference rates, one quote per pair every tick. */
public final class SimulatedFeed implements RateFeed {

    private final RandomWalk walk;
    private final Duration tick;
    private final Clock clock;

    public SimulatedFeed(RandomWalk walk, Duration tick, Clock clock) {
        this.walk = walk;
        this.tick = tick;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Multi<Quote> quotes() {
        // When publishing falls behind, a tick is skipped rather than queued: the next one supersedes it.
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(tick).onOverflow().drop()
                .onItem().transformToIterable(ignored -> walk.next(clock.instant()));
    }
}
