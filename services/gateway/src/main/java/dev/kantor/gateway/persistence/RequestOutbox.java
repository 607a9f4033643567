package dev.kantor.gateway.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The requests table seen as an outbox: claims stored requests that are not published and whose lease ran out, and
 * marks requests published once the broker acked them. A claim renews the lease ({@code relay_after}), so that no
 * other round or replica claims the same request while its send is in flight; rows locked by another replica's claim
 * are skipped, not waited for. Every method runs inside the caller's transaction.
 */
@ApplicationScoped
public class RequestOutbox {

    /** Unpublished transaction requests due for a send (oldest first), each leased until {@code now + lease}. */
    public Uni<List<TransactionRequest>> claimTransactions(Instant now, Duration lease, int limit) {
        return claim("transaction_request", "transaction_id", now, lease, limit)
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<TransactionRequest>of())
                        : TransactionRequest.<TransactionRequest>list("transactionId in ?1 order by requestedAt", ids));
    }

    /** Unpublished account openings due for a send (oldest first), each leased until {@code now + lease}. */
    public Uni<List<OpeningRequest>> claimOpenings(Instant now, Duration lease, int limit) {
        return claim("opening_request", "request_id", now, lease, limit)
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<OpeningRequest>of())
                        : OpeningRequest.<OpeningRequest>list("requestId in ?1 order by requestedAt", ids));
    }

    public Uni<Void> transactionsPublished(List<String> transactionIds) {
        return transactionIds.isEmpty() ? Uni.createFrom().voidItem()
                : TransactionRequest.update("published = true where transactionId in ?1", transactionIds).replaceWithVoid();
    }

    public Uni<Void> openingsPublished(List<String> requestIds) {
        return requestIds.isEmpty() ? Uni.createFrom().voidItem()
                : OpeningRequest.update("published = true where requestId in ?1", requestIds).replaceWithVoid();
    }

    private static Uni<List<String>> claim(String table, String id, Instant now, Duration lease, int limit) {
        // The inner select uses the partial index on unpublished rows (V2); skip locked: a row another replica is
        // claiming right now is its to send.
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "update {h-schema}" + table + " r set relay_after = ?1 where r." + id + " in (select " + id
                                + " from {h-schema}" + table + " where not published and relay_after <= ?2"
                                + " order by relay_after limit ?3 for update skip locked) returning r." + id, String.class)
                .setParameter(1, now.plus(lease)).setParameter(2, now).setParameter(3, limit)
                .getResultList());
    }
}
