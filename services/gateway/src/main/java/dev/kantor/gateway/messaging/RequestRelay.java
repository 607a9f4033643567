package dev.kantor.gateway.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.persistence.OpeningRequest;
import dev.kantor.gateway.persistence.RequestOutbox;
import dev.kantor.gateway.persistence.TransactionRequest;
import dev.kantor.service.messaging.MessageContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The outbox relay: every stored request reaches the broker, even when the gateway died between the commit and the
 * send, or the send failed (broker down), and the client never retries. On start and then every
 * kantor.gateway.relay.interval, it claims stored, unpublished requests whose lease ran out (RequestOutbox), sends
 * each with its original event id, and marks the acked ones published. A request whose send fails stays unpublished
 * and is claimed again when its new lease runs out. Replicas claim different rows; a request sent twice all the same
 * (a send slower than the lease, a crash between ack and marking) carries the same event id, which the services
 * downstream de-duplicate.
 */
@ApplicationScoped
public class RequestRelay {

    private static final Logger LOG = Logger.getLogger(RequestRelay.class);

    @Inject
    RequestOutbox outbox;

    @Inject
    RequestPublisher publisher;

    @Inject
    GatewayConfig config;

    @Inject
    Config settings;

    @Inject
    Vertx vertx;

    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long timer = -1;

    /** First round at once (what a crashed replica left), then one round per interval; never two at a time. */
    void start(@Observes StartupEvent event) {
        for (String channel : List.of("transaction-requests", "account-requests")) {
            String problem = sendBound(channel).problemWith(channel, config.relay().lease());
            if (problem != null) {
                throw new IllegalStateException(problem);
            }
        }
        // A Vert.x timer, as the wallet's publisher: Quarkus' scheduler runs nothing more often than once a second.
        timer = vertx.setPeriodic(1, config.relay().interval().toMillis(), id -> {
            if (running.compareAndSet(false, true)) {
                relayDue().onTermination().invoke(() -> running.set(false)).subscribe().with(ok -> { });
            }
        });
    }

    /** No round after shutdown began: the database pool closes next, and the requests wait for a replica's relay. */
    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round: the due transaction requests, then the due openings; a failure waits for the next round. */
    Uni<Void> relayDue() {
        // No message started this work: a context of its own, safe for Hibernate Reactive (quarkus#34291).
        MessageContext context = MessageContext.detached(vertx);
        Duration lease = config.relay().lease();
        int batch = config.relay().batch();
        return context.transaction(() -> outbox.claimTransactions(clock.instant(), lease, batch))
                .chain(claimed -> sendAll(claimed, publisher::send, r -> r.transactionId))
                .chain(sent -> context.transaction(() -> outbox.transactionsPublished(sent)))
                .chain(() -> context.transaction(() -> outbox.claimOpenings(clock.instant(), lease, batch)))
                .chain(claimed -> sendAll(claimed, publisher::send, r -> r.requestId))
                .chain(sent -> context.transaction(() -> outbox.openingsPublished(sent)))
                .onFailure().invoke(e -> LOG.warnf("relaying stored requests failed, they wait for a later round: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sends every claimed request at once and answers the ids the broker acked; the others stay for later. */
    private static <R> Uni<List<String>> sendAll(List<R> claimed, Function<R, Uni<Void>> send, Function<R, String> id) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        LOG.infof("relaying %d stored request(s) not yet published", claimed.size());
        List<Uni<String>> sends = new ArrayList<>();
        for (R request : claimed) {
            sends.add(send.apply(request).replaceWith(id.apply(request))
                    .onFailure().invoke(e -> LOG.warnf("relaying %s failed, retried after its lease: %s", id.apply(request), e.toString()))
                    .onFailure().recoverWithNull());
        }
        return Uni.join().all(sends).andFailFast().map(ids -> ids.stream().filter(Objects::nonNull).toList());
    }

    /** The producer settings of a channel that bound how long a send can take, Kafka's defaults where unset. */
    private SendBound sendBound(String channel) {
        String prefix = "mp.messaging.outgoing." + channel + ".";
        return new SendBound(
                settings.getOptionalValue(prefix + "delivery.timeout.ms", Long.class).map(Duration::ofMillis)
                        .orElse(SendBound.KAFKA_DEFAULTS.deliveryTimeout()),
                settings.getOptionalValue(prefix + "max.block.ms", Long.class).map(Duration::ofMillis)
                        .orElse(SendBound.KAFKA_DEFAULTS.maxBlock()));
    }
}
