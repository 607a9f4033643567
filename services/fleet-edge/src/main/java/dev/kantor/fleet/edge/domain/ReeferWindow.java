package dev.kantor.fleet.edge.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * What a container's readings add up to within one window, folded one reading at a time (the state a Kafka Streams
 * window store keeps): count, extremes, sum for the mean, and the seconds out of range, door open and power off,
 * each reading standing for its interval. Immutable: {@link #add} answers a new window.
 */
public record ReeferWindow(String vesselId, String containerId, Product product, int readings, BigDecimal min, BigDecimal max,
        BigDecimal sum, BigDecimal setPoint, int secondsOutOfRange, int doorOpenSeconds, int powerOffSeconds,
        BigDecimal worstDeviation) {

    public static ReeferWindow empty() {
        return new ReeferWindow(null, null, Product.OTHER, 0, null, null, BigDecimal.ZERO, null, 0, 0, 0, BigDecimal.ZERO);
    }

    public ReeferWindow add(ReeferReading reading) {
        BigDecimal t = reading.getTemperature();
        BigDecimal deviation = t.subtract(reading.getSetPoint());
        int seconds = reading.getIntervalSeconds();
        boolean out = Products.outOfRange(reading.getProduct(), reading.getSetPoint(), t);
        return new ReeferWindow(reading.getVesselId(), reading.getContainerId(), reading.getProduct(), readings + 1,
                min == null || t.compareTo(min) < 0 ? t : min,
                max == null || t.compareTo(max) > 0 ? t : max,
                sum.add(t), reading.getSetPoint(),
                secondsOutOfRange + (out ? seconds : 0),
                doorOpenSeconds + (reading.getDoorOpen() ? seconds : 0),
                powerOffSeconds + (reading.getPowerOn() ? 0 : seconds),
                deviation.abs().compareTo(worstDeviation.abs()) > 0 ? deviation : worstDeviation);
    }

    /** The mean temperature, rounded half-even to hundredths. */
    public BigDecimal mean() {
        return sum.divide(BigDecimal.valueOf(readings), 2, RoundingMode.HALF_EVEN);
    }

    public ReeferWindowSummary summary(Instant start, Instant end) {
        return ReeferWindowSummary.newBuilder()
                .setSummaryId(containerId + "/" + start)
                .setVesselId(vesselId).setContainerId(containerId).setProduct(product)
                .setWindowStart(start).setWindowEnd(end)
                .setReadings(readings).setMinTemperature(min).setMaxTemperature(max).setMeanTemperature(mean())
                .setSetPoint(setPoint).setSecondsOutOfRange(secondsOutOfRange).setDoorOpenSeconds(doorOpenSeconds)
                .setPowerOffSeconds(powerOffSeconds).build();
    }
}
