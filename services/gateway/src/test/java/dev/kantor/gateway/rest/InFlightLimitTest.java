package dev.kantor.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/** The bound on requests in flight: a place is taken while a request runs and given back however it ends. */
class InFlightLimitTest {

    @Test
    void aRequestPastTheBoundIsRefusedAndEveryEndGivesItsPlaceBack() {
        var limit = new InFlightLimit(2);
        Uni<String> never = Uni.createFrom().nothing();
        Cancellable first = limit.admit(() -> never).subscribe().with(item -> { });
        Cancellable second = limit.admit(() -> never).subscribe().with(item -> { });
        assertEquals(2, limit.inFlight());
        assertThrows(InFlightLimit.Overloaded.class,
                () -> limit.admit(() -> Uni.createFrom().item("third")).await().atMost(Duration.ofSeconds(1)));
        assertEquals(2, limit.inFlight(), "a refused request holds no place");

        first.cancel(); // the client went away
        assertEquals(1, limit.inFlight());
        assertEquals("ok", limit.admit(() -> Uni.createFrom().item("ok")).await().atMost(Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, () -> limit.admit(() -> Uni.createFrom().<String>failure(new IllegalStateException("db")))
                .await().atMost(Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> limit.admit(() -> {
            throw new IllegalArgumentException("thrown before any Uni");
        }).await().atMost(Duration.ofSeconds(1)));
        assertEquals(1, limit.inFlight(), "an answer, a failure and a throw each gave their place back");
        second.cancel();
        assertEquals(0, limit.inFlight());
    }
}
