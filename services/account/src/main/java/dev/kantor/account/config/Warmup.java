package dev.kantor.account.config;

import dev.kantor.account.persistence.Account;
import dev.kantor.account.persistence.ProcessedEvent;
import dev.kantor.service.persistence.QueryWarmup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The queries of an opening, run once before the service consumes ({@link QueryWarmup}): left to the first opening
 * after start, Hibernate's first parse blocked an event loop for 7 s and the first account took 3.4 s to open.
 */
@ApplicationScoped
public class Warmup {

    private static final String NOBODY = "";

    void warm(@Observes @Priority(1) StartupEvent event) {
        QueryWarmup.run(() -> ProcessedEvent.findById(NOBODY)
                .chain(() -> Account.find("requestId", NOBODY).firstResult())
                .chain(() -> Account.findById(NOBODY)));
    }
}
