package dev.kantor.wallet.config;

import java.util.List;

import dev.kantor.service.persistence.QueryWarmup;
import dev.kantor.wallet.persistence.ConsumedOffset;
import dev.kantor.wallet.persistence.Holding;
import dev.kantor.wallet.persistence.Wallet;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The projection's and the reads' queries, run once before the service consumes ({@link QueryWarmup}): left to the
 * first transaction after start, Hibernate's first parse blocked an event loop for 3.3 s.
 */
@ApplicationScoped
public class Warmup {

    private static final String NOBODY = "";

    void warm(@Observes @Priority(1) StartupEvent event) {
        QueryWarmup.run(() -> Wallet.findById(NOBODY)
                .chain(() -> Wallet.list("userId in ?1", List.of(NOBODY)))
                .chain(() -> Holding.list("userId in ?1", List.of(NOBODY)))
                .chain(() -> ConsumedOffset.list("order by topic, partitionNo")));
    }
}
