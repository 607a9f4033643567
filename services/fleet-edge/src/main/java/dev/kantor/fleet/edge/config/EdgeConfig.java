package dev.kantor.fleet.edge.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The vessel edge's windows, de-duplication and alerting (kantor.fleet.edge.*). */
@ConfigMapping(prefix = "kantor.fleet.edge")
public interface EdgeConfig {

    /** The vessel this edge runs on: ids of what it emits start with it. */
    @WithDefault("vessel1")
    String vesselId();

    /** The length of a summary window (tumbling). */
    @WithDefault("PT1M")
    Duration window();

    /** How long after a window's end a late reading still counts; the summary is emitted only then, once. */
    @WithDefault("PT30S")
    Duration grace();

    /** How long a reading's id is remembered to drop a re-sent copy (by the reading's own time). */
    @WithDefault("PT10M")
    Duration resentWithin();

    /** Seconds out of range in one window that make a cold-chain breach. */
    @WithDefault("30")
    int breachSeconds();
}
