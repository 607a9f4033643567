package dev.kantor.transaction;

import java.time.Duration;

import org.awaitility.Awaitility;

import dev.kantor.transaction.persistence.AccountView;
import dev.kantor.transaction.persistence.LatestRate;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;

/** Waits until the service's own views have caught up with what a test published to accounts and rates. */
final class ReferenceData {

    private ReferenceData() {
    }

    static void awaitAccount(String accountId) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> find(() -> AccountView.findById(accountId)) != null);
    }

    /** Waits for exactly this quote: an older one left by an earlier run must not count. */
    static void awaitRate(String pair, java.time.Instant quotedAt) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> find(() -> LatestRate.findById(pair))
                instanceof LatestRate rate && rate.quotedAt.equals(quotedAt));
    }

    private static Object find(java.util.function.Supplier<io.smallrye.mutiny.Uni<?>> query) throws Exception {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> query.get()));
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
