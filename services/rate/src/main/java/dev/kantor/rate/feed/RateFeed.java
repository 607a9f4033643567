package dev.kantor.rate.feed;

import dev.kantor.rate.domain.Quote;
import io.smallrye.mutiny.Multi;

/** A source of quotes. The stream may fail or end; the publisher re-subscribes with back-off. */
public interface RateFeed {

    /** For logs, health details and the quotes' source field. */
    String name();

    Multi<Quote> quotes();
}
