package dev.kantor.transaction.config;

import dev.kantor.service.persistence.QueryWarmup;
import dev.kantor.transaction.persistence.AccountView;
import dev.kantor.transaction.persistence.LatestRate;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The reference data's queries, run once before the service consumes ({@link QueryWarmup}): the accounts view must
 * not keep a first request waiting while Hibernate parses for the first time. (The money path's own statements are
 * SQL on the client's connection, parsed by PostgreSQL.)
 */
@ApplicationScoped
public class Warmup {

    private static final String NOBODY = "";

    void warm(@Observes @Priority(1) StartupEvent event) {
        QueryWarmup.run(() -> AccountView.findById(NOBODY).chain(() -> LatestRate.findById(NOBODY)));
    }
}
