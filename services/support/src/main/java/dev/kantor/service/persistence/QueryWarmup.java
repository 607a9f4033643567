package dev.kantor.service.persistence;

import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Runs a service's Hibernate queries once, at start, before it takes messages or requests. Hibernate parses a query
 * the first time it is used, and the very first parse loads and warms its whole parser: left to the first message or
 * request, that took 3 to 9 s on an event loop, and everything else on that loop waited. Start-up waits for it on its
 * own thread instead. The queries should look for keys no row has, so that nothing is read or changed.
 */
public final class QueryWarmup {

    private static final Logger LOG = Logger.getLogger(QueryWarmup.class);

    private QueryWarmup() {
    }

    /** Runs {@code queries} in one transaction and waits for them; a failure is logged, never thrown. */
    public static void run(Supplier<Uni<?>> queries) {
        long start = System.nanoTime();
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(queries::get));
            LOG.infof("queries warmed in %d ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
        } catch (Throwable e) {
            // The database may be away at start: the service starts anyway, and its first work pays for the parse.
            LOG.warnf("warming the queries failed (the first messages will be slower): %s", e.toString());
        }
    }
}
