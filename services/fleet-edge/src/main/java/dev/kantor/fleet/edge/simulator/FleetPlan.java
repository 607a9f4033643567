package dev.kantor.fleet.edge.simulator;

/**
 * How a simulated fleet behaves: its size, how often devices report, and how often the things that break a cold
 * chain happen (chances per container and tick).
 */
public record FleetPlan(int vessels, int containersPerVessel, int intervalSeconds, double doorOpenChance, int doorOpenTicks,
        double powerCutChance, int powerCutTicks, double resendChance, double noise) {

    /** A plausible voyage, sped up: a door opened every ~100 readings, a power cut every ~400, one reading in 50 re-sent. */
    public static FleetPlan typical(int vessels, int containersPerVessel) {
        return new FleetPlan(vessels, containersPerVessel, 10, 0.01, 6, 0.0025, 12, 0.02, 0.05);
    }

    /** The same fleet reporting every {@code seconds} (each reading stands for that long). */
    public FleetPlan every(int seconds) {
        return new FleetPlan(vessels, containersPerVessel, seconds, doorOpenChance, doorOpenTicks, powerCutChance, powerCutTicks,
                resendChance, noise);
    }
}
