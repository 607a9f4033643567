package dev.kantor.rate.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/** One quote of a pair BASE/QUOTE: units of QUOTE for one BASE, at a time, from a source. */
public record Quote(String pair, BigDecimal rate, Instant quotedAt, String source) {

    /** The wire scale of rates (decimal(20,10)). */
    public static final int SCALE = 10;

    public Quote {
        if (pair == null || !pair.matches("[A-Z]{3}/[A-Z]{3}")) {
            throw new IllegalArgumentException("a pair is BASE/QUOTE in ISO 4217 codes, was " + pair);
        }
        if (rate == null || rate.signum() <= 0) {
            throw new IllegalArgumentException("a rate must be positive, was " + rate);
        }
        rate = rate.setScale(SCALE, RoundingMode.HALF_EVEN);
        // The wire carries milliseconds (timestamp-millis): the REST answer must say the same time as the event.
        quotedAt = quotedAt == null ? null : quotedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public String base() {
        return pair.substring(0, 3);
    }

    public String quote() {
        return pair.substring(4);
    }
}
