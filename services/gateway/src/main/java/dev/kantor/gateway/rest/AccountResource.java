package dev.kantor.gateway.rest;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.gateway.config.Failpoint;
import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.domain.RequestRules;
import dev.kantor.gateway.messaging.RequestPublisher;
import dev.kantor.gateway.persistence.OpeningRequest;
import dev.kantor.gateway.persistence.OwnedAccount;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Opening and listing the caller's accounts. An opening is stored, then published: once stored it is answered 202
 * even when the broker did not ack within kantor.gateway.publish-timeout, and messaging.RequestRelay sends what did
 * not reach the broker, with the same event id.
 */
@Path("/api/accounts")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    Identity identity;

    @Inject
    RequestPublisher publisher;

    @Inject
    RequestRules rules;

    @Inject
    GatewayConfig config;

    @Inject
    Failpoint failpoint;

    @Inject
    InFlightLimit admission;

    @Inject
    GatewayMetrics metrics;

    private final Clock clock = Clock.systemUTC();

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for an account ({\"baseCurrency\": \"EUR\", \"displayName\": \"Savings\"}); 202 with its id")
    @APIResponse(responseCode = "202", description = "stored and published (or to be, by the relay): the account opens shortly",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.OpeningAccepted.class)))
    @APIResponse(responseCode = "400", description = "a field is invalid (named in field)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "413", description = "the body is over 16 KiB",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "422", description = "the Idempotency-Key was used to open another account",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "503", description = "this replica holds as many requests as it may: retry after Retry-After seconds with the same Idempotency-Key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(name = "Idempotency-Key",
            in = org.eclipse.microprofile.openapi.annotations.enums.ParameterIn.HEADER, required = false,
            description = "the client's id of this request (1 to 64 letters, digits or ._:-): a retry with it is the same request",
            schema = @Schema(type = SchemaType.STRING))
    public Uni<Response> open(@RequestBody(required = true, content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiSchemas.Opening.class))) byte[] body, @Context HttpHeaders headers) {
        String key = IdempotencyKey.of(headers);
        JsonBody json = JsonBody.parse(body, java.util.Set.of("baseCurrency", "displayName"));
        String baseCurrency = json.text("baseCurrency");
        String displayName = json.text("displayName");
        rules.opening(baseCurrency, displayName);
        rules.idempotencyKey(key);
        String user = identity.user();
        String idempotencyKey = key != null ? key : UUID.randomUUID().toString();
        boolean[] found = {false};
        return admission.admit(() -> Panache.withTransaction(() -> OpeningRequest.<OpeningRequest>find("userId = ?1 and idempotencyKey = ?2", user, idempotencyKey)
                        .firstResult().chain(existing -> {
                            if (existing != null) {
                                found[0] = true;
                                if (!existing.baseCurrency.equals(baseCurrency) || !existing.displayName.equals(displayName.strip())) {
                                    return Uni.createFrom().failure(new ProblemMapper.IdempotencyConflict(
                                            "this Idempotency-Key was used to open another account (" + existing.accountId + ")"));
                                }
                                return Uni.createFrom().item(existing);
                            }
                            OpeningRequest request = new OpeningRequest();
                            request.requestId = UUID.randomUUID().toString();
                            request.userId = user;
                            request.idempotencyKey = idempotencyKey;
                            request.accountId = "acc-" + UUID.randomUUID();
                            request.eventId = UUID.randomUUID().toString();
                            request.baseCurrency = baseCurrency;
                            request.displayName = displayName.strip();
                            request.requestedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                            // This call's own send holds the request for a lease; only then may the relay send it.
                            request.relayAfter = request.requestedAt.plus(config.relay().lease());
                            return request.persist().replaceWith(request);
                        }))
                .invoke(request -> {
                    metrics.accepted("opening", found[0]);
                    if (!request.published) {
                        failpoint.afterStore("opening " + request.requestId);
                    }
                })
                .chain(request -> publisher.publishWithin(request, config.publishTimeout())
                        .replaceWith(Response.accepted(Map.of("accountId", request.accountId, "requestId", request.requestId,
                                "status", "OPENING")).build())));
    }

    @GET
    @WithSession
    @Operation(summary = "The caller's accounts, opened and still opening")
    @APIResponse(responseCode = "200", description = "the caller's accounts",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.Account.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<List<Map<String, Object>>> list() {
        String user = identity.user();
        return OwnedAccount.<OwnedAccount>list("userId = ?1 order by openedAt", user).chain(accounts ->
                OpeningRequest.<OpeningRequest>list("userId = ?1 order by requestedAt", user).map(openings -> {
                    List<Map<String, Object>> answer = new ArrayList<>();
                    java.util.Set<String> opened = new java.util.HashSet<>();
                    for (OwnedAccount a : accounts) {
                        opened.add(a.accountId);
                        Map<String, Object> json = new LinkedHashMap<>();
                        json.put("accountId", a.accountId);
                        json.put("baseCurrency", a.baseCurrency);
                        json.put("displayName", a.displayName);
                        json.put("status", "OPEN");
                        json.put("openedAt", a.openedAt.toString());
                        answer.add(json);
                    }
                    for (OpeningRequest o : openings) {
                        if (!opened.contains(o.accountId)) {
                            answer.add(Map.of("accountId", o.accountId, "baseCurrency", o.baseCurrency, "displayName", o.displayName,
                                    "status", "OPENING"));
                        }
                    }
                    return answer;
                }));
    }
}
