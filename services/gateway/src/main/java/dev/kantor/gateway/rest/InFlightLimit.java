package dev.kantor.gateway.rest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.kantor.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A replica's bound on the requests that write (opening an account, asking for a transaction) it holds at once. Each
 * holds a database connection or a place in its queue, a send to the broker and its memory until answered: without
 * a bound, an overload (1,000 requests/s against a replica that serves about 200) grew the heap until the replica
 * died. Past the bound a request is refused at once with 503 and Retry-After, which a client retries with the same
 * Idempotency-Key.
 */
@ApplicationScoped
public class InFlightLimit {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int max;

    @jakarta.inject.Inject
    InFlightLimit(GatewayConfig config) {
        this(config.maxRequestsInFlight());
    }

    InFlightLimit(int max) {
        this.max = max;
    }

    /** Runs {@code work} if a place is free, keeping it until the answer (or the client's cancellation). */
    public <T> Uni<T> admit(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (inFlight.incrementAndGet() > max) {
                inFlight.decrementAndGet();
                return Uni.createFrom().failure(new Overloaded(max));
            }
            Uni<T> admitted;
            try {
                admitted = work.get();
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                throw e;
            }
            return admitted.onTermination().invoke(inFlight::decrementAndGet);
        });
    }

    /** Requests held now (a gauge). */
    public int inFlight() {
        return inFlight.get();
    }

    /** A request refused because the replica holds as many as it may. */
    public static final class Overloaded extends RuntimeException {
        Overloaded(int max) {
            super("this replica is handling " + max + " requests already: retry in a second with the same Idempotency-Key",
                    null, false, false);
        }
    }
}
