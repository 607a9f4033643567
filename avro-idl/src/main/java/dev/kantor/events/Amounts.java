package dev.kantor.events;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as the contract carries it: {@code decimal(19, 4)} with its currency. The one place that knows the wire's
 * scale; an amount with more than four decimals is refused (ArithmeticException), never rounded.
 */
public final class Amounts {

    /** The scale of {@code Money.amount} in common.avdl. */
    public static final int SCALE = 4;

    private Amounts() {
    }

    public static Money money(BigDecimal amount, String currency) {
        return Money.newBuilder().setAmount(amount.setScale(SCALE, RoundingMode.UNNECESSARY)).setCurrency(currency).build();
    }

    public static Money money(String amount, String currency) {
        return money(new BigDecimal(amount), currency);
    }
}
