package dev.kantor.wallet.messaging;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.kantor.service.messaging.MessageContext;
import dev.kantor.wallet.persistence.WalletStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Replays this replica's partitions from the beginning when the projection's generation grows (a rebuild dropped
 * it, on this replica or another). Records in flight from before the seek do no harm: the projection counts each
 * transaction once whatever order it sees them in, and rates and accounts are idempotent upserts.
 */
@ApplicationScoped
public class RebuildWatcher {

    private static final Logger LOG = Logger.getLogger(RebuildWatcher.class);
    static final String CHANNEL = "wallet-events";

    @Inject
    WalletStore store;

    @Inject
    KafkaClientService clients;

    @Inject
    Vertx vertx;

    /** The generation this replica's consumer position belongs to; unknown (-1) until first read. */
    private final AtomicLong generation = new AtomicLong(-1);

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> watch() {
        return MessageContext.detached(vertx).transaction(store::generation)
                .chain(current -> {
                    long known = generation.get();
                    if (known == -1 || current == known) {
                        generation.set(current);
                        return Uni.createFrom().voidItem();
                    }
                    LOG.infof("projection generation %d (was %d): replaying the assigned partitions from the beginning", current, known);
                    return clients.<String, byte[]>getConsumer(CHANNEL)
                            .runOnPollingThread((java.util.function.Consumer<org.apache.kafka.clients.consumer.Consumer<String, byte[]>>)
                                    consumer -> consumer.seekToBeginning(consumer.assignment()))
                            .invoke(() -> generation.set(current));
                })
                .onFailure().invoke(e -> LOG.warnf("checking the projection generation failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
