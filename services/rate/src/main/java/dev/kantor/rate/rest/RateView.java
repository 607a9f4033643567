package dev.kantor.rate.rest;

import java.time.Duration;
import java.time.Instant;

import dev.kantor.rate.domain.Quote;

/**
 * A quote as clients see it, with its age at the time of the answer. The rate is a decimal string, as every amount and
 * rate of the API is: a JSON number would reach most clients as a binary double.
 */
public record RateView(String pair, String base, String quote,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                pattern = "^[0-9]+(\\.[0-9]+)?$") String rate,
        Instant quotedAt, long ageMillis, String source) {

    static RateView of(Quote quote, Instant now) {
        return new RateView(quote.pair(), quote.base(), quote.quote(), quote.rate().toPlainString(), quote.quotedAt(),
                Math.max(0, Duration.between(quote.quotedAt(), now).toMillis()), quote.source());
    }
}
