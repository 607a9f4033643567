package dev.kantor.service.messaging;

import dev.kantor.service.persistence.Transactions;

import org.eclipse.microprofile.config.Config;

import dev.kantor.service.config.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Makes each consumer's {@link ConsumerPipeline} with what every pipeline shares: the back-off (kantor.retry.*),
 * the metrics, the consumer group from the channel's configuration, and one registry-backed decoder.
 */
@ApplicationScoped
public class ConsumerPipelines {

    static final String REGISTRY = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url";

    @Inject
    Backoff backoff;

    @Inject
    MeterRegistry metrics;

    @Inject
    Config config;

    private volatile RecordDecoder decoder;

    /**
     * The pipeline of an incoming channel; its dead letters go to {@code deadLetters}, a byte[] channel. The group
     * named in dead letters is the channel's {@code group.id} (the connector's default: the application name).
     */
    public <T, R> ConsumerPipeline<T, R> create(String channel, RecordHandler<T, R> handler, MutinyEmitter<byte[]> deadLetters) {
        return create(channel, handler, deadLetters, Transactions.PANACHE);
    }

    /** A pipeline whose batch transaction is opened by {@code transactions} (e.g. {@link dev.kantor.service.persistence.SqlTransactions}). */
    public <T, R> ConsumerPipeline<T, R> create(String channel, RecordHandler<T, R> handler, MutinyEmitter<byte[]> deadLetters,
            Transactions transactions) {
        String group = config.getOptionalValue("mp.messaging.incoming." + channel + ".group.id", String.class)
                .orElseGet(() -> config.getValue("quarkus.application.name", String.class));
        return new ConsumerPipeline<>(channel, group, handler, deadLetters, transactions, backoff, metrics);
    }

    /** Decodes records through the registry the connector is configured with. */
    public RecordDecoder decoder() {
        RecordDecoder current = decoder;
        if (current == null) {
            current = new RecordDecoder(config.getValue(REGISTRY, String.class));
            decoder = current;
        }
        return current;
    }
}
