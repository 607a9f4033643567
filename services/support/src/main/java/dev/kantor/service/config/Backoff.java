package dev.kantor.service.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How every consumer and producer of every service waits between attempts at something that must eventually
 * succeed (a decode that needs the registry, a database transaction, a send to the broker, a dead letter): from
 * {@code initial}, doubling up to {@code max}, forever. One setting for all: kantor.retry.initial, kantor.retry.max.
 */
@ConfigMapping(prefix = "kantor.retry")
public interface Backoff {

    @WithDefault("PT0.5S")
    Duration initial();

    @WithDefault("PT10S")
    Duration max();
}
