package dev.kantor.fleet.edge.streams;

import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.kantor.fleet.edge.config.EdgeConfig;
import dev.kantor.service.streams.EventFormats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Gives Quarkus the edge topology, with events in the registry's wire format. */
@ApplicationScoped
public class EdgeTopologyProducer {

    @ConfigProperty(name = "kantor.fleet.registry-url")
    String registry;

    /** A failed stream thread is replaced, not the whole client shut down (Quarkus sets it before the start). */
    @Produces
    @jakarta.inject.Singleton
    org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler failedThreads() {
        return new dev.kantor.service.streams.ReplaceFailedThread();
    }

    @Produces
    Topology topology(EdgeConfig config) {
        return EdgeTopology.build(config, EventFormats.registry(registry));
    }
}
