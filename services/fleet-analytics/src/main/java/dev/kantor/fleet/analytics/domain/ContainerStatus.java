package dev.kantor.fleet.analytics.domain;

import java.math.BigDecimal;
import java.time.Instant;

import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * A container as shore last heard of it: its latest window's summary, reduced to what the fleet's operators ask
 * for. A summary of an older window (mirrored late) never replaces a newer one.
 */
public record ContainerStatus(String containerId, String vesselId, String product, Instant windowStart, BigDecimal meanTemperature,
        BigDecimal setPoint, String breach) {

    public static ContainerStatus of(ReeferWindowSummary summary) {
        return new ContainerStatus(summary.getContainerId(), summary.getVesselId(), summary.getProduct().name(), summary.getWindowStart(),
                summary.getMeanTemperature(), summary.getSetPoint(), summary.getBreach() == null ? null : summary.getBreach().name());
    }

    public boolean inBreach() {
        return breach != null;
    }

    /** The newer of two statuses of the same container (the later window; this one on a tie). */
    public ContainerStatus newer(ContainerStatus other) {
        return other.windowStart.isAfter(windowStart) ? other : this;
    }
}
