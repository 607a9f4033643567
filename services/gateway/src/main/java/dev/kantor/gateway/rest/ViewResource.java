package dev.kantor.gateway.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.kantor.service.rest.ClientError;
import dev.kantor.gateway.persistence.LatestRate;
import dev.kantor.gateway.persistence.WalletSnapshot;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The caller's wallet and the rates, as the gateway last saw them on the topics. */
@Path("/api")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class ViewResource {

    @Inject
    Identity identity;

    @GET
    @Path("/wallet")
    @WithSession
    @Operation(summary = "The caller's wallet: balances and valuation (404 until the first one is published)")
    public Uni<Map<String, Object>> wallet() {
        return WalletSnapshot.<WalletSnapshot>findById(identity.user()).map(wallet -> {
            if (wallet == null) {
                throw ClientError.notFound(null, "no wallet yet for " + identity.user());
            }
            return new JsonObject(wallet.payload).getMap();
        });
    }

    @GET
    @Path("/rates")
    @WithSession
    @Operation(summary = "The latest rate of every pair")
    public Uni<List<Map<String, Object>>> rates() {
        return LatestRate.<LatestRate>list("order by pair").map(rates -> rates.stream()
                .map(rate -> new JsonObject(rate.payload).getMap()).toList());
    }
}
