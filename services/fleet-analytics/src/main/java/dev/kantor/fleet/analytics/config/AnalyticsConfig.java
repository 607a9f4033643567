package dev.kantor.fleet.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the shore analytics reads and how its instances find each other (kantor.fleet.analytics.*). */
@ConfigMapping(prefix = "kantor.fleet.analytics")
public interface AnalyticsConfig {

    /**
     * The mirrored topics' origins: MirrorMaker 2 names a vessel's topics {@code <vessel>.reefer-summaries}; this
     * pattern matches the vessel part (every vessel by default).
     */
    @WithDefault("[^.]+")
    String vessels();

    /** This instance's address as the others reach it (Kafka Streams' application.server): host and port. */
    String server();
}
