package dev.kantor.rate.rest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import dev.kantor.rate.domain.Quote;

/** A quote as clients see it, with its age at the time of the answer. */
public record RateView(String pair, String base, String quote, BigDecimal rate, Instant quotedAt, long ageMillis, String source) {

    static RateView of(Quote quote, Instant now) {
        return new RateView(quote.pair(), quote.base(), quote.quote(), quote.rate(), quote.quotedAt(),
                Math.max(0, Duration.between(quote.quotedAt(), now).toMillis()), quote.source());
    }
}
