package dev.kantor.gateway.config;

import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import dev.kantor.gateway.persistence.History;
import dev.kantor.gateway.persistence.LatestRate;
import dev.kantor.gateway.persistence.OpeningRequest;
import dev.kantor.gateway.persistence.OwnedAccount;
import dev.kantor.gateway.persistence.Quote;
import dev.kantor.gateway.persistence.TransactionOutcome;
import dev.kantor.gateway.persistence.TransactionRequest;
import dev.kantor.gateway.persistence.WalletSnapshot;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Runs every query the API makes once before the gateway takes requests. Hibernate parses a query's HQL the first
 * time it is used, and the first parse loads and warms its whole parser: left to the first requests, that took 3 to
 * 9 s on an event loop (the first deposit after start was decided 10 s later, every other request on that loop
 * waited). Start-up waits for it on its own thread; the queries look for ids no row has, so nothing is read or
 * changed.
 */
@ApplicationScoped
public class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class);
    private static final String NOBODY = "";

    @Inject
    History history;

    void warm(@Observes @Priority(1) StartupEvent event) {
        long start = System.nanoTime();
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::queries));
            LOG.infof("queries warmed in %d ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
        } catch (Throwable e) {
            // The database may be away at start: the gateway starts anyway, and the first requests pay for the parse.
            LOG.warnf("warming the queries failed (the first requests will be slower): %s", e.toString());
        }
    }

    private Uni<Void> queries() {
        return OwnedAccount.findById(NOBODY)
                .chain(() -> OwnedAccount.list("userId = ?1 order by openedAt", NOBODY))
                .chain(() -> OpeningRequest.find("userId = ?1 and idempotencyKey = ?2", NOBODY, NOBODY).firstResult())
                .chain(() -> OpeningRequest.list("userId = ?1 order by requestedAt", NOBODY))
                .chain(() -> TransactionRequest.find("userId = ?1 and idempotencyKey = ?2", NOBODY, NOBODY).firstResult())
                .chain(() -> TransactionRequest.findById(NOBODY))
                .chain(() -> TransactionOutcome.findById(NOBODY))
                .chain(() -> WalletSnapshot.findById(NOBODY))
                .chain(() -> LatestRate.findById(NOBODY))
                .chain(() -> LatestRate.list("order by pair"))
                .chain(() -> Quote.findById(NOBODY))
                .chain(() -> Quote.sweepExpired(Instant.EPOCH, 1))
                .chain(() -> history.page(NOBODY, null, null, 0, 1))
                .replaceWithVoid();
    }
}
