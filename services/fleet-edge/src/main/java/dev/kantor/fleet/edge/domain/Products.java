package dev.kantor.fleet.edge.domain;

import java.math.BigDecimal;
import java.util.Map;

import dev.kantor.fleet.events.Product;

/**
 * How far from its set point each product's temperature may go (degrees Celsius either side): bananas ripen or
 * chill outside a narrow band, frozen fish tolerates more, medicines keep their 2-8 degree label.
 */
public final class Products {

    private static final Map<Product, BigDecimal> BAND = Map.of(
            Product.BANANAS, new BigDecimal("1.00"),
            Product.FROZEN_FISH, new BigDecimal("2.00"),
            Product.PHARMA, new BigDecimal("3.00"),
            Product.DAIRY, new BigDecimal("2.00"),
            Product.FLOWERS, new BigDecimal("1.50"),
            Product.OTHER, new BigDecimal("2.00"));

    private Products() {
    }

    public static BigDecimal band(Product product) {
        return BAND.get(product);
    }

    /** Whether a temperature is outside the product's band around the set point (the band's edge is inside). */
    public static boolean outOfRange(Product product, BigDecimal setPoint, BigDecimal temperature) {
        return temperature.subtract(setPoint).abs().compareTo(band(product)) > 0;
    }
}
