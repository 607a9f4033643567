package dev.kantor.gateway.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.service.rest.ClientError;
import dev.kantor.gateway.domain.FieldError;
import dev.kantor.gateway.persistence.Feed;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The caller's wallet and the rates, as the gateway last saw them on the topics. */
@Path("/api")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class ViewResource {

    @Inject
    Identity identity;

    @Inject
    Feed feed;

    @GET
    @Path("/wallet")
    @WithSession
    @Operation(summary = "The caller's wallet: balances and valuation (404 until the first one is published)")
    @APIResponse(responseCode = "200", description = "the caller's wallet",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.Wallet.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "no wallet yet",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
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
    @APIResponse(responseCode = "200", description = "the latest rate of every pair",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.Rate.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<List<Map<String, Object>>> rates() {
        return LatestRate.<LatestRate>list("order by pair").map(rates -> rates.stream()
                .map(rate -> new JsonObject(rate.payload).getMap()).toList());
    }

    /** The longest look back GET /api/rates/history gives: the feed keeps an hour (kantor.gateway.feed-retention). */
    static final int MAX_MINUTES = 60;

    @GET
    @Path("/rates/history")
    @Operation(summary = "The recent rates of every pair (?minutes=30, 1 to 60): the last rate of every 30 seconds, oldest first")
    @APIResponse(responseCode = "200", description = "per pair, its recent rates",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.RateHistory.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "minutes is not a whole number from 1 to 60",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<List<Map<String, Object>>> rateHistory(@QueryParam("minutes") String minutes) {
        int span = 30;
        if (minutes != null) {
            if (minutes.isEmpty() || minutes.length() > 2 || !minutes.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(minutes) < 1 || Integer.parseInt(minutes) > MAX_MINUTES) {
                throw new FieldError("minutes", "minutes must be a whole number from 1 to " + MAX_MINUTES);
            }
            span = Integer.parseInt(minutes);
        }
        return feed.rateHistory(java.time.Duration.ofMinutes(span), 30);
    }
}
