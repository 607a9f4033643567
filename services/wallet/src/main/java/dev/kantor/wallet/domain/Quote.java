package dev.kantor.wallet.domain;

import java.math.BigDecimal;

/** The latest rate of a pair: units of {@code quote} for one unit of {@code base}. */
public record Quote(String base, String quote, BigDecimal rate) {
}
