package dev.kantor.wallet.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.kantor.events.Money;
import dev.kantor.events.WalletUpdated;
import dev.kantor.service.messaging.EventMessage;
import dev.kantor.service.messaging.MessageContext;
import dev.kantor.wallet.config.WalletConfig;
import dev.kantor.wallet.domain.WalletState;
import dev.kantor.wallet.persistence.Projection;
import dev.kantor.wallet.persistence.WalletStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Publishes WalletUpdated for dirty wallets, at most once per wallet per publish interval however fast balances and
 * rates change: claim the due wallets (one transaction, which also stamps them so no replica claims them again
 * within the interval), send and wait for the broker, then clear the dirty mark of every wallet not changed since.
 * A failure leaves the wallets dirty: they go out on a later round, so no change is lost.
 */
@ApplicationScoped
public class WalletPublisher {

    private static final Logger LOG = Logger.getLogger(WalletPublisher.class);

    @Inject
    WalletStore store;

    @Inject
    WalletConfig config;

    @Inject
    Vertx vertx;

    @Inject
    @Channel("wallets")
    MutinyEmitter<WalletUpdated> wallets;

    private final Clock clock = Clock.systemUTC();
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private Counter published;

    @Inject
    void init(MeterRegistry metrics) {
        published = metrics.counter("kantor.wallet.published");
    }

    /** Quarkus' scheduler runs nothing more often than once a second, so the round is a Vert.x timer. */
    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(config.publishTick().toMillis(), id -> {
            if (running.compareAndSet(false, true)) {
                publishDue().onTermination().invoke(() -> running.set(false)).subscribe().with(ok -> { });
            }
        });
    }

    Uni<Void> publishDue() {
        MessageContext context = MessageContext.detached(vertx);
        return context.transaction(() -> store.claimDue(clock.instant(), config.publishInterval(), config.publishBatch()))
                .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().voidItem()
                        : send(claimed).chain(() -> context.transaction(() -> store.published(claimed)))
                                .invoke(() -> published.increment(claimed.size())))
                .onFailure().invoke(e -> LOG.warnf("publishing wallets failed, they stay dirty for a later round: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> send(List<WalletStore.Claimed> claimed) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (WalletStore.Claimed wallet : claimed) {
            WalletUpdated event = event(wallet.state(), wallet.claimedAt());
            sends.add(wallets.sendMessage(EventMessage.of(event.getUserId(), event.getEventId(), "WalletUpdated", event,
                    wallet.traceparent())));
        }
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    /** The event of a wallet state: balances and valuation in the wire's decimal scale. */
    static WalletUpdated event(WalletState state, java.time.Instant asOf) {
        List<Money> balances = new ArrayList<>();
        for (Map.Entry<String, java.math.BigDecimal> balance : state.balances().entrySet()) {
            balances.add(Projection.money(balance.getValue(), balance.getKey()));
        }
        return WalletUpdated.newBuilder().setEventId(UUID.randomUUID().toString()).setUserId(state.userId())
                .setBaseCurrency(state.baseCurrency()).setBalances(balances)
                .setValuation(Projection.money(state.valuation().total(), state.baseCurrency()))
                .setUnvaluedCurrencies(new ArrayList<>(state.valuation().unvalued()))
                .setAsOf(asOf.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build();
    }
}
