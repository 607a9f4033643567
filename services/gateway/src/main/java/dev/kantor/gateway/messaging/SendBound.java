package dev.kantor.gateway.messaging;

import java.time.Duration;

/**
 * How long one send of a request can stay unresolved, from the producer settings of its channel, and whether the
 * relay's lease outlasts it. Only then does a request whose send is still in flight (in the Kafka producer, broker
 * down) never get a second send from the relay: the relay takes a request only when its lease has run out.
 */
public record SendBound(Duration deliveryTimeout, Duration maxBlock) {

    /** Kafka's defaults (delivery.timeout.ms 120 s, max.block.ms 60 s), for a channel that sets neither. */
    public static final SendBound KAFKA_DEFAULTS = new SendBound(Duration.ofMillis(120_000), Duration.ofMillis(60_000));

    /**
     * The longest a send can take to be acked or to fail. The producer may block up to max.block.ms before a record
     * enters its buffer (no metadata yet, buffer full), then holds it up to delivery.timeout.ms. The connector's sink
     * re-sends a record that failed for a transient reason for as long as delivery.timeout.ms has not passed since
     * its first attempt, so a last attempt may start just before that and take both again.
     */
    public Duration longest() {
        return deliveryTimeout.multipliedBy(2).plus(maxBlock.multipliedBy(2));
    }

    /** Why a lease is too short for this channel, or null when it is long enough. */
    public String problemWith(String channel, Duration lease) {
        if (lease.compareTo(longest()) > 0) {
            return null;
        }
        return "kantor.gateway.relay.lease (" + lease + ") must exceed the longest a send on " + channel + " can take ("
                + longest() + ": twice delivery.timeout.ms " + deliveryTimeout.toMillis() + " and twice max.block.ms "
                + maxBlock.toMillis() + "), or a slow send and the relay's would both reach the topic";
    }
}
