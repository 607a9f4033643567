package dev.kantor.wallet.rest;

import java.time.Clock;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.kantor.service.rest.Problem;
import dev.kantor.wallet.persistence.WalletStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The wallet of a user, read from the projection. */
@Path("/wallets")
@Produces(MediaType.APPLICATION_JSON)
public class WalletResource {

    @Inject
    WalletStore store;

    private final Clock clock = Clock.systemUTC();

    @GET
    @Path("/{userId}")
    @WithSession
    @Operation(summary = "The balances of a user in every currency, their valuation in the user's base currency at the "
            + "latest rates, and the topic offsets the answer reflects")
    public Uni<Response> wallet(@PathParam("userId") String userId) {
        return store.read(userId).map(read -> read
                .map(found -> Response.ok(WalletView.of(found, clock.instant())).build())
                .orElseGet(() -> Response.status(404).type(Problem.MEDIA_TYPE)
                        .entity(Problem.of(404, "Not Found", "no wallet for user " + userId, "userId")).build()));
    }
}
