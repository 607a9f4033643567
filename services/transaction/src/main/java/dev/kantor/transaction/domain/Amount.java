package dev.kantor.transaction.domain;

import java.math.BigDecimal;

/** An exact amount with its currency: the domain never handles a number without knowing what it counts. */
public record Amount(BigDecimal value, String currency) {

    public Amount {
        if (value == null || currency == null) {
            throw new IllegalArgumentException("an amount needs a value and a currency");
        }
    }

    public Amount negate() {
        return new Amount(value.negate(), currency);
    }
}
