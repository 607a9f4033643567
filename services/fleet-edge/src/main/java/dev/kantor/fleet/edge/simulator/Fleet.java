package dev.kantor.fleet.edge.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.VesselPosition;

/**
 * A simulated fleet: vessels sailing a great-circle-ish line, each with its reefers (products in turn, each at its
 * usual set point). Deterministic for a seed, so that a test can replay exactly what it sent.
 */
public final class Fleet {

    /** The usual set point per product (degrees Celsius). */
    static final Map<Product, BigDecimal> SET_POINTS = Map.of(Product.BANANAS, new BigDecimal("13.30"),
            Product.FROZEN_FISH, new BigDecimal("-18.00"), Product.PHARMA, new BigDecimal("5.00"),
            Product.DAIRY, new BigDecimal("3.00"), Product.FLOWERS, new BigDecimal("2.00"));
    private static final List<Product> PRODUCTS = List.of(Product.BANANAS, Product.FROZEN_FISH, Product.PHARMA, Product.DAIRY,
            Product.FLOWERS);

    /** One vessel's tick: its position and its containers' readings. */
    public record Tick(String vesselId, VesselPosition position, List<ReeferReading> readings) {
    }

    private final FleetPlan plan;
    private final Map<String, List<Reefer>> vessels = new java.util.LinkedHashMap<>();
    private long ticks;

    public Fleet(FleetPlan plan, long seed) {
        this(plan, seed, "vessel");
    }

    /** The same, with vessels named {@code <prefix>1}, {@code <prefix>2}...: a test run's own, beside earlier runs' data. */
    public Fleet(FleetPlan plan, long seed, String vesselPrefix) {
        this.plan = plan;
        SplittableRandom random = new SplittableRandom(seed);
        for (int v = 1; v <= plan.vessels(); v++) {
            String vessel = vesselPrefix + v;
            List<Reefer> reefers = new ArrayList<>();
            for (int c = 0; c < plan.containersPerVessel(); c++) {
                Product product = PRODUCTS.get(c % PRODUCTS.size());
                reefers.add(new Reefer(vessel, String.format("%s-c%04d", vessel, c), product, SET_POINTS.get(product), plan, random.split()));
            }
            vessels.put(vessel, reefers);
        }
    }

    public java.util.Set<String> vesselIds() {
        return vessels.keySet();
    }

    /** Every vessel's readings for the next tick, measured at {@code at}. */
    public List<Tick> tick(Instant at) {
        List<Tick> all = new ArrayList<>();
        int v = 0;
        for (Map.Entry<String, List<Reefer>> vessel : vessels.entrySet()) {
            // From Rotterdam westwards, each vessel a degree further south, a hundredth of a degree per tick.
            BigDecimal latitude = BigDecimal.valueOf(51.9 - v++).setScale(6, RoundingMode.HALF_EVEN);
            BigDecimal longitude = BigDecimal.valueOf(4.48 - ticks * 0.01).setScale(6, RoundingMode.HALF_EVEN);
            List<ReeferReading> readings = new ArrayList<>();
            vessel.getValue().forEach(reefer -> readings.addAll(reefer.tick(at, latitude, longitude)));
            VesselPosition position = VesselPosition.newBuilder().setEventId(vessel.getKey() + "/" + ticks).setVesselId(vessel.getKey())
                    .setAt(at).setLatitude(latitude).setLongitude(longitude).build();
            all.add(new Tick(vessel.getKey(), position, readings));
        }
        ticks++;
        return all;
    }

    public FleetPlan plan() {
        return plan;
    }
}
