package dev.kantor.transaction.domain;

import java.math.BigDecimal;

/**
 * The firm quote an exchange request carries (contract v2): the rate the user accepted, and how much worse a rate may
 * get (a fraction, 0.005 is half a percent) before the exchange is refused rather than made at a rate they did not see.
 */
public record Quote(BigDecimal rate, BigDecimal tolerance) {

    /** The worst rate the user still accepts: the quote less its tolerance. */
    public BigDecimal floor() {
        return rate.multiply(BigDecimal.ONE.subtract(tolerance));
    }
}
