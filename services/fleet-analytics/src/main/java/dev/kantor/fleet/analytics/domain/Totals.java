package dev.kantor.fleet.analytics.domain;

/**
 * How many containers a group (a vessel, a product, the fleet) has and how many of them are in breach now, by their
 * latest window. Kept by adding a container's new status and subtracting its old one, so it never counts a
 * container twice.
 */
public record Totals(long containers, long inBreach) {

    public static Totals none() {
        return new Totals(0, 0);
    }

    public Totals add(ContainerStatus status) {
        return new Totals(containers + 1, inBreach + (status.inBreach() ? 1 : 0));
    }

    public Totals subtract(ContainerStatus status) {
        return new Totals(containers - 1, inBreach - (status.inBreach() ? 1 : 0));
    }

    public Totals plus(Totals other) {
        return new Totals(containers + other.containers, inBreach + other.inBreach);
    }
}
