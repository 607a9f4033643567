package dev.kantor.gateway.config;

import java.time.Instant;

import dev.kantor.gateway.persistence.History;
import dev.kantor.gateway.persistence.LatestRate;
import dev.kantor.gateway.persistence.OpeningRequest;
import dev.kantor.gateway.persistence.OwnedAccount;
import dev.kantor.gateway.persistence.Quote;
import dev.kantor.gateway.persistence.TransactionOutcome;
import dev.kantor.gateway.persistence.TransactionRequest;
import dev.kantor.gateway.persistence.WalletSnapshot;
import dev.kantor.service.persistence.QueryWarmup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Every query the API makes, run once before the gateway takes requests ({@link QueryWarmup}): left to the first
 * requests, Hibernate's first parse took 3 to 9 s on an event loop, and the first deposit after start was decided
 * 10 s later.
 */
@ApplicationScoped
public class Warmup {

    private static final String NOBODY = "";

    @Inject
    History history;

    void warm(@Observes @Priority(1) StartupEvent event) {
        QueryWarmup.run(this::queries);
    }

    private Uni<Void> queries() {
        // POST /api/transactions stores through RequestStore (SQL client): its Hibernate queries are not warmed.
        return OwnedAccount.list("userId = ?1 order by openedAt", NOBODY)
                .chain(() -> OpeningRequest.find("userId = ?1 and idempotencyKey = ?2", NOBODY, NOBODY).firstResult())
                .chain(() -> OpeningRequest.list("userId = ?1 order by requestedAt", NOBODY))
                .chain(() -> TransactionRequest.findById(NOBODY))
                .chain(() -> TransactionOutcome.findById(NOBODY))
                .chain(() -> WalletSnapshot.findById(NOBODY))
                .chain(() -> LatestRate.findById(NOBODY))
                .chain(() -> LatestRate.list("order by pair"))
                .chain(() -> Quote.sweepExpired(Instant.EPOCH, 1))
                .chain(() -> history.page(NOBODY, null, null, 0, 1))
                .replaceWithVoid();
    }
}
