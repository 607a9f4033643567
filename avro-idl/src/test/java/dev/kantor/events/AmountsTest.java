package dev.kantor.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

/** Money at the contract's scale: padded to four decimals, never rounded. */
class AmountsTest {

    @Test
    void anAmountIsCarriedAtTheContractsScale() {
        Money money = Amounts.money("12.5", "EUR");
        assertEquals(new BigDecimal("12.5000"), money.getAmount());
        assertEquals("EUR", money.getCurrency());
        assertEquals(new BigDecimal("0.0010"), Amounts.money(new BigDecimal("0.001"), "BHD").getAmount());
    }

    @Test
    void moreDecimalsThanTheContractCarriesAreRefusedNotRounded() {
        assertThrows(ArithmeticException.class, () -> Amounts.money("0.00001", "EUR"));
    }
}
