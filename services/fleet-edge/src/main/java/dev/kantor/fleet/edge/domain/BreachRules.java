package dev.kantor.fleet.edge.domain;

import java.util.Optional;

import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * When a container's window is a cold-chain breach, and its likely cause: out of range for at least the threshold,
 * then power off if the power was off at all in the window (the compressor stopped), else door open if the door was
 * (warm air came in), else unexplained (a fault to inspect). One alert per window and cause, with an id made of both.
 */
public final class BreachRules {

    private final int thresholdSeconds;

    public BreachRules(int thresholdSeconds) {
        this.thresholdSeconds = thresholdSeconds;
    }

    /** The alert a closed window raises, if any; {@code worstDeviation} is the window's reading furthest from the set point. */
    public Optional<ColdChainAlert> alert(ReeferWindowSummary window, java.math.BigDecimal worstDeviation) {
        if (window.getSecondsOutOfRange() < thresholdSeconds) {
            return Optional.empty();
        }
        BreachCause cause = window.getPowerOffSeconds() > 0 ? BreachCause.POWER_OFF
                : window.getDoorOpenSeconds() > 0 ? BreachCause.DOOR_OPEN : BreachCause.UNEXPLAINED;
        return Optional.of(ColdChainAlert.newBuilder()
                .setAlertId(window.getContainerId() + "/" + window.getWindowStart() + "/" + cause)
                .setVesselId(window.getVesselId()).setContainerId(window.getContainerId()).setProduct(window.getProduct())
                .setCause(cause).setWindowStart(window.getWindowStart()).setWindowEnd(window.getWindowEnd())
                .setSecondsOutOfRange(window.getSecondsOutOfRange()).setWorstDeviation(worstDeviation)
                .setDetail(window.getSecondsOutOfRange() + " s out of range (" + window.getMinTemperature() + " to "
                        + window.getMaxTemperature() + " C, set point " + window.getSetPoint() + "); power off "
                        + window.getPowerOffSeconds() + " s, door open " + window.getDoorOpenSeconds() + " s")
                .build());
    }
}
