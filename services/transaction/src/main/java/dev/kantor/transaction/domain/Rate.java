package dev.kantor.transaction.domain;

import java.math.BigDecimal;
import java.time.Instant;

/** The latest quote of a pair BASE/QUOTE: units of QUOTE for one BASE. */
public record Rate(String pair, BigDecimal value, Instant quotedAt) {

    public static String pair(String base, String quote) {
        return base + "/" + quote;
    }
}
