package dev.kantor.fleet.edge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kantor.fleet.edge.domain.Products;
import dev.kantor.fleet.events.ReeferReading;

/** The simulator behaves as the devices it stands for, and replays exactly for a seed. */
class FleetTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    static List<ReeferReading> run(FleetPlan plan, long seed, int ticks) {
        Fleet fleet = new Fleet(plan, seed);
        List<ReeferReading> all = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            fleet.tick(T0.plusSeconds((long) t * plan.intervalSeconds())).forEach(tick -> all.addAll(tick.readings()));
        }
        return all;
    }

    @Test
    void theSameSeedSendsTheSameReadings() {
        assertEquals(run(FleetPlan.typical(2, 10), 42, 50), run(FleetPlan.typical(2, 10), 42, 50));
    }

    @Test
    void readingsCountUpPerContainerAndAReSentReadingIsTheSameReadingAgain() {
        List<ReeferReading> all = run(FleetPlan.typical(2, 25), 7, 400);
        Map<String, Long> next = new HashMap<>();
        ReeferReading previous = null;
        int copies = 0;
        for (ReeferReading reading : all) {
            if (reading.equals(previous)) {
                copies++;
                continue;
            }
            assertEquals(next.getOrDefault(reading.getContainerId(), 0L), reading.getSequence(), reading.getReadingId());
            assertEquals(reading.getContainerId() + "/" + reading.getSequence(), reading.getReadingId());
            next.put(reading.getContainerId(), reading.getSequence() + 1);
            previous = reading;
        }
        double share = copies / (double) (all.size() - copies);
        assertTrue(share > 0.01 && share < 0.03, "about one reading in 50 is re-sent: " + share);
    }

    @Test
    void withNothingGoingWrongEveryContainerStaysInItsBand() {
        FleetPlan calm = new FleetPlan(1, 25, 10, 0, 1, 0, 1, 0, 0.05);
        for (ReeferReading r : run(calm, 3, 300)) {
            assertTrue(!Products.outOfRange(r.getProduct(), r.getSetPoint(), r.getTemperature()), r.toString());
            assertTrue(r.getPowerOn() && !r.getDoorOpen());
        }
    }

    @Test
    void aPowerCutOrAnOpenDoorWarmsAContainer() {
        // Every container's power cut at once (and again whenever it returns).
        FleetPlan cuts = new FleetPlan(1, 5, 10, 0, 1, 1.0, 12, 0, 0.0);
        List<ReeferReading> all = run(cuts, 11, 30);
        assertTrue(all.stream().anyMatch(r -> !r.getPowerOn() && Products.outOfRange(r.getProduct(), r.getSetPoint(), r.getTemperature())),
                "some container warmed out of its band while the power was off");
        FleetPlan doors = new FleetPlan(1, 5, 10, 1.0, 6, 0, 1, 0, 0.0);
        assertTrue(run(doors, 11, 30).stream().anyMatch(r -> r.getDoorOpen()
                && r.getTemperature().compareTo(r.getSetPoint()) > 0), "an open door lets warm air in");
    }
}
