package dev.kantor.testsupport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;

/**
 * What the fleet's answers must be, computed here from the raw readings a test sent, independently of the services'
 * code: the readings without their re-sent copies, each container's tumbling windows (count, extremes, half-even
 * mean, seconds out of band, door open, power off) and the breaches with their causes. The bands are the documented
 * ones (README: the reefer fleet), written again here on purpose.
 */
public final class FleetReference {

    private static final Map<Product, BigDecimal> BANDS = Map.of(Product.BANANAS, new BigDecimal("1.00"),
            Product.FROZEN_FISH, new BigDecimal("2.00"), Product.PHARMA, new BigDecimal("3.00"), Product.DAIRY, new BigDecimal("2.00"),
            Product.FLOWERS, new BigDecimal("1.50"), Product.OTHER, new BigDecimal("2.00"));

    /** One container's window as the reference sees it. */
    public record Window(String containerId, Instant start, int readings, BigDecimal min, BigDecimal max, BigDecimal mean,
            int secondsOutOfRange, int doorOpenSeconds, int powerOffSeconds, BigDecimal worstDeviation) {

        /** The id the edge gives this window's summary. */
        public String summaryId() {
            return containerId + "/" + start;
        }

        /** The cause of this window's breach, or null when it is none (threshold in seconds out of range). */
        public BreachCause breach(int thresholdSeconds) {
            if (secondsOutOfRange < thresholdSeconds) {
                return null;
            }
            return powerOffSeconds > 0 ? BreachCause.POWER_OFF : doorOpenSeconds > 0 ? BreachCause.DOOR_OPEN : BreachCause.UNEXPLAINED;
        }
    }

    private FleetReference() {
    }

    /** The distinct readings (the first of each id), in the order sent. */
    public static List<ReeferReading> distinct(Collection<ReeferReading> sent) {
        Map<String, ReeferReading> first = new LinkedHashMap<>();
        sent.forEach(r -> first.putIfAbsent(r.getReadingId(), r));
        return new ArrayList<>(first.values());
    }

    /** Every window that starts before {@code closedBefore}, by summary id. */
    public static Map<String, Window> windows(Collection<ReeferReading> sent, Duration size, Instant closedBefore) {
        Map<String, List<ReeferReading>> grouped = new TreeMap<>();
        for (ReeferReading r : distinct(sent)) {
            long start = Math.floorDiv(r.getMeasuredAt().toEpochMilli(), size.toMillis()) * size.toMillis();
            if (Instant.ofEpochMilli(start).isBefore(closedBefore)) {
                grouped.computeIfAbsent(r.getContainerId() + "/" + Instant.ofEpochMilli(start), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Window> windows = new TreeMap<>();
        grouped.forEach((id, readings) -> {
            BigDecimal min = null;
            BigDecimal max = null;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal worst = BigDecimal.ZERO;
            int out = 0;
            int door = 0;
            int off = 0;
            for (ReeferReading r : readings) {
                BigDecimal t = r.getTemperature();
                min = min == null || t.compareTo(min) < 0 ? t : min;
                max = max == null || t.compareTo(max) > 0 ? t : max;
                sum = sum.add(t);
                BigDecimal deviation = t.subtract(r.getSetPoint());
                if (deviation.abs().compareTo(worst.abs()) > 0) {
                    worst = deviation;
                }
                if (deviation.abs().compareTo(BANDS.get(r.getProduct())) > 0) {
                    out += r.getIntervalSeconds();
                }
                door += r.getDoorOpen() ? r.getIntervalSeconds() : 0;
                off += r.getPowerOn() ? 0 : r.getIntervalSeconds();
            }
            ReeferReading any = readings.get(0);
            Instant start = Instant.ofEpochMilli(Math.floorDiv(any.getMeasuredAt().toEpochMilli(), size.toMillis()) * size.toMillis());
            windows.put(id, new Window(any.getContainerId(), start, readings.size(), min, max,
                    sum.divide(BigDecimal.valueOf(readings.size()), 2, RoundingMode.HALF_EVEN), out, door, off, worst));
        });
        return windows;
    }
}
