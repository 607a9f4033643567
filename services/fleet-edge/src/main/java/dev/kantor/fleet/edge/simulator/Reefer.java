package dev.kantor.fleet.edge.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.random.RandomGenerator;

import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;

/**
 * One simulated reefer container, as its device behaves: the compressor pulls the temperature towards the set point,
 * the hold's warmth pulls it up whenever the power is off (faster with the door open too), sensors add noise, doors
 * are opened for inspections and the ship's power is cut now and then. Each tick is one reading of {@code interval}
 * seconds; the device sometimes sends a reading twice (same id), as a device unsure of its last send does.
 */
public final class Reefer {

    private static final BigDecimal AMBIENT = new BigDecimal("24.00");

    private final String vesselId;
    private final String containerId;
    private final Product product;
    private final BigDecimal setPoint;
    private final RandomGenerator random;
    private final FleetPlan plan;
    private double temperature;
    private long sequence;
    private int doorOpenTicks;
    private int powerOffTicks;

    public Reefer(String vesselId, String containerId, Product product, BigDecimal setPoint, FleetPlan plan, RandomGenerator random) {
        this.vesselId = vesselId;
        this.containerId = containerId;
        this.product = product;
        this.setPoint = setPoint;
        this.plan = plan;
        this.random = random;
        this.temperature = setPoint.doubleValue();
    }

    public String containerId() {
        return containerId;
    }

    /** The readings of one tick at {@code at}: one, or the same one twice when the device re-sends it. */
    public java.util.List<ReeferReading> tick(Instant at, BigDecimal latitude, BigDecimal longitude) {
        if (doorOpenTicks == 0 && random.nextDouble() < plan.doorOpenChance()) {
            doorOpenTicks = 1 + random.nextInt(plan.doorOpenTicks());
        }
        if (powerOffTicks == 0 && random.nextDouble() < plan.powerCutChance()) {
            powerOffTicks = 1 + random.nextInt(plan.powerCutTicks());
        }
        boolean doorOpen = doorOpenTicks > 0;
        boolean powerOn = powerOffTicks == 0;
        double target = powerOn ? setPoint.doubleValue() : AMBIENT.doubleValue();
        // Cooling closes a third of the gap per tick; warming without power a tenth (a twentieth more with the door open).
        double pull = powerOn ? (doorOpen ? 0.15 : 0.33) : (doorOpen ? 0.15 : 0.10);
        if (powerOn && doorOpen) {
            target = AMBIENT.doubleValue();
        }
        temperature += (target - temperature) * pull + random.nextGaussian() * plan.noise();
        doorOpenTicks = Math.max(0, doorOpenTicks - 1);
        powerOffTicks = Math.max(0, powerOffTicks - 1);
        ReeferReading reading = ReeferReading.newBuilder()
                .setReadingId(containerId + "/" + sequence).setVesselId(vesselId).setContainerId(containerId).setProduct(product)
                .setSequence(sequence++).setMeasuredAt(at).setIntervalSeconds(plan.intervalSeconds())
                .setTemperature(BigDecimal.valueOf(temperature).setScale(2, RoundingMode.HALF_EVEN)).setSetPoint(setPoint)
                .setDoorOpen(doorOpen).setPowerOn(powerOn).setLatitude(latitude).setLongitude(longitude).build();
        return random.nextDouble() < plan.resendChance() ? java.util.List.of(reading, reading) : java.util.List.of(reading);
    }
}
