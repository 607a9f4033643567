package dev.kantor.gateway.rest;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.service.messaging.TraceParent;
import dev.kantor.service.rest.ClientError;
import dev.kantor.service.rest.Problems;
import dev.kantor.gateway.config.Failpoint;
import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.domain.QuotePrice;
import dev.kantor.gateway.domain.RequestRules;
import dev.kantor.gateway.domain.TransactionForm;
import dev.kantor.gateway.messaging.RequestPublisher;
import dev.kantor.gateway.persistence.History;
import dev.kantor.gateway.persistence.RequestStore;
import dev.kantor.gateway.persistence.Quote;
import dev.kantor.gateway.persistence.TransactionOutcome;
import dev.kantor.gateway.persistence.TransactionRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Deposits, withdrawals and exchanges: validated at the edge, stored with their idempotency key, published, and
 * answered 202 with where to follow them. A retry with the same key gets the same transaction and publishes nothing
 * new (at most the same event again, if the first attempt never reached the broker).
 * <p>
 * 202 means stored, not yet decided: once the request is committed, the client gets 202 with its transaction id
 * even when the broker did not ack the send within kantor.gateway.publish-timeout (broker down or slow), instead of
 * waiting minutes or getting an error that would make it think nothing happened. The send goes on, and whatever
 * does not reach the broker, messaging.RequestRelay sends later with the same event id; the outcome follows on the
 * stream and by GET as usual.
 */
@Path("/api/transactions")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class TransactionResource {

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
    History history;

    @Inject
    RequestStore requests;

    @Inject
    GatewayMetrics metrics;

    private final Clock clock = Clock.systemUTC();

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for a transaction ({\"accountId\", \"kind\": DEPOSIT|WITHDRAWAL|EXCHANGE, \"amount\": \"12.50\", "
            + "\"currency\", \"targetCurrency\" for an exchange, and for an exchange at a firm quote \"quoteId\" from GET /api/quotes"
            + " with an optional \"tolerance\" such as \"0.005\"}); 202 with the transaction id")
    @APIResponse(responseCode = "202", description = "stored and published (or to be, by the relay): the outcome follows",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.TransactionAccepted.class)))
    @APIResponse(responseCode = "400", description = "a field is invalid (named in field)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "no such account (or quote) of the caller's",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "413", description = "the body is over 16 KiB",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "422", description = "the Idempotency-Key was used for another request, or the quote does not fit or expired",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "503", description = "this replica holds as many requests as it may: retry after Retry-After seconds with the same Idempotency-Key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(name = "Idempotency-Key",
            in = org.eclipse.microprofile.openapi.annotations.enums.ParameterIn.HEADER, required = false,
            description = "the client's id of this request (1 to 64 letters, digits or ._:-): a retry with it is the same request",
            schema = @Schema(type = SchemaType.STRING))
    public Uni<Response> request(@RequestBody(required = true, content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiSchemas.TransactionBody.class))) byte[] body, @Context HttpHeaders headers) {
        String key = IdempotencyKey.of(headers);
        JsonBody json = JsonBody.parse(body, java.util.Set.of("accountId", "kind", "amount", "currency", "targetCurrency",
                "quoteId", "tolerance"));
        TransactionForm form = rules.transaction(json.text("accountId"), json.text("kind"), json.decimal("amount"),
                json.text("currency"), json.text("targetCurrency"), json.text("quoteId"), json.decimal("tolerance"),
                config.quote().maxTolerance());
        rules.idempotencyKey(key);
        String user = identity.user();
        String idempotencyKey = key != null ? key : UUID.randomUUID().toString();
        TransactionRequest candidate = candidate(user, idempotencyKey, form);
        boolean[] found = {false};
        return admission.admit(() -> stored(candidate, form, true)
                .invoke(request -> {
                    found[0] = request != candidate;
                    metrics.accepted(form.kind().toLowerCase(java.util.Locale.ROOT), found[0]);
                    if (!request.published) {
                        failpoint.afterStore("transaction " + request.transactionId);
                    }
                })
                .chain(request -> publisher.publishWithin(request, config.publishTimeout())
                        .replaceWith(Response.accepted(accepted(request))
                                .location(java.net.URI.create("/api/transactions/" + request.transactionId)).build())));
    }

    /**
     * The candidate stored, or the request stored earlier under its key, or the client's error: the account is not
     * the caller's (404), the key was used for another request (422), the quote is not the caller's (404), for
     * another pair or expired (422). A request stored concurrently under the same key is found by asking once more.
     */
    private Uni<TransactionRequest> stored(TransactionRequest candidate, TransactionForm form, boolean mayAskAgain) {
        return requests.store(candidate).chain(attempt -> {
            if (!attempt.ownsAccount()) {
                return Uni.createFrom().failure(ClientError.notFound("accountId", "no account " + form.accountId()));
            }
            if (attempt.earlier() != null) {
                return same(attempt.earlier(), form);
            }
            if (attempt.created() != null) {
                return Uni.createFrom().item(attempt.created());
            }
            ClientError refused = form.quoteId() == null ? null : quoteRefused(attempt.quote(), form, candidate.requestedAt);
            if (refused != null) {
                return Uni.createFrom().failure(refused);
            }
            // Neither stored nor found with a fitting quote, or none: the key was taken by a request committed after
            // this statement's snapshot, which the next one sees.
            if (mayAskAgain) {
                return stored(candidate, form, false);
            }
            return Uni.createFrom().failure(new IllegalStateException("request " + candidate.idempotencyKey
                    + " neither stored nor found"));
        });
    }

    private static Uni<TransactionRequest> same(TransactionRequest existing, TransactionForm form) {
        if (!existing.fingerprint.equals(form.fingerprint())) {
            return Uni.createFrom().failure(new ProblemMapper.IdempotencyConflict(
                    "this Idempotency-Key was used for a different request (transaction " + existing.transactionId + ")"));
        }
        return Uni.createFrom().item(existing);
    }

    /** Why the quote an exchange names does not let it be stored at {@code at}, or null when it fits. */
    private static ClientError quoteRefused(Quote quote, TransactionForm form, java.time.Instant at) {
        if (quote == null) {
            return ClientError.notFound("quoteId", "no quote " + form.quoteId());
        }
        if (!quote.fromCurrency.equals(form.currency()) || !quote.toCurrency.equals(form.targetCurrency())) {
            return new ClientError(422, "Unprocessable Content", "quoteId", "quote " + quote.quoteId + " is for "
                    + quote.fromCurrency + " to " + quote.toCurrency + ", not " + form.currency() + " to " + form.targetCurrency());
        }
        if (!at.isBefore(quote.expiresAt)) {
            return new ClientError(422, "Unprocessable Content", "quoteId", "quote " + quote.quoteId + " expired at "
                    + quote.expiresAt + ": ask GET /api/quotes for a new one");
        }
        return null;
    }

    private TransactionRequest candidate(String user, String idempotencyKey, TransactionForm form) {
        TransactionRequest request = new TransactionRequest();
        request.transactionId = UUID.randomUUID().toString();
        request.userId = user;
        request.idempotencyKey = idempotencyKey;
        request.accountId = form.accountId();
        request.eventId = UUID.randomUUID().toString();
        request.kind = form.kind();
        request.amount = form.amount();
        request.currency = form.currency();
        request.targetCurrency = form.targetCurrency();
        request.requestedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // This call's own send holds the request for a lease; only then may the relay send it.
        request.relayAfter = request.requestedAt.plus(config.relay().lease());
        request.fingerprint = form.fingerprint();
        // Kept with the row: the event may be sent by the relay, long after this call's span ended.
        request.traceParent = TraceParent.current();
        if (form.quoteId() != null) {
            request.quoteId = form.quoteId();
            request.quoteTolerance = form.tolerance().setScale(QuotePrice.RATE_SCALE);
        }
        return request;
    }

    private static Map<String, Object> accepted(TransactionRequest request) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("transactionId", request.transactionId);
        json.put("status", "PENDING");
        json.put("self", "/api/transactions/" + request.transactionId);
        json.put("stream", "/api/stream/transactions");
        return json;
    }

    /** The largest page GET /api/transactions answers. */
    static final int MAX_PAGE_SIZE = 100;
    private static final java.util.Set<String> STATUSES = java.util.Set.of("PENDING", "APPROVED", "REJECTED");

    @GET
    @Operation(summary = "The caller's transactions, newest first, a page at a time (?page=0&size=20, size 1 to 100), "
            + "optionally of one account (?accountId=) and one status (?status=PENDING|APPROVED|REJECTED)")
    @APIResponse(responseCode = "200", description = "a page of the caller's transactions",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.TransactionPage.class)))
    @APIResponse(responseCode = "400", description = "page, size, status or accountId invalid (named in field)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<Map<String, Object>> history(@QueryParam("accountId") String accountId, @QueryParam("status") String status,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        if (accountId != null && !RequestRules.isId(accountId)) {
            throw new dev.kantor.gateway.domain.FieldError("accountId", "accountId must be an account id (1 to 64 letters, digits or ._:-)");
        }
        if (status != null && !STATUSES.contains(status)) {
            throw new dev.kantor.gateway.domain.FieldError("status", "status must be one of PENDING, APPROVED, REJECTED");
        }
        int pageNumber = number(page, "page", 0, 0, 100_000);
        int pageSize = number(size, "size", 20, 1, MAX_PAGE_SIZE);
        String user = identity.user();
        return history.page(user, accountId, status, pageNumber, pageSize).map(found -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("items", found.items());
            json.put("page", pageNumber);
            json.put("size", pageSize);
            json.put("total", found.total());
            return json;
        });
    }

    /** A paging parameter: absent gives the default; otherwise ASCII digits within the bounds, or 400 naming it. */
    private static int number(String text, String field, int absent, int min, int max) {
        if (text == null) {
            return absent;
        }
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new dev.kantor.gateway.domain.FieldError(field, field + " must be a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(text);
    }

    @GET
    @Path("/{transactionId}")
    @WithSession
    @Operation(summary = "The status of one of the caller's transactions, with its outcome once decided")
    @APIResponse(responseCode = "200", description = "the transaction, with its outcome once decided",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.Transaction.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "no such transaction of the caller's",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<Map<String, Object>> status(@PathParam("transactionId") String transactionId) {
        if (!RequestRules.isId(transactionId)) {
            // Not an id this gateway ever gave out; also keeps bytes PostgreSQL refuses (NUL) away from the query.
            return Uni.createFrom().failure(ClientError.notFound("transactionId", "no transaction " + Problems.quoted(transactionId)));
        }
        String user = identity.user();
        return TransactionOutcome.<TransactionOutcome>findById(transactionId).chain(outcome -> {
            if (outcome != null && outcome.userId.equals(user)) {
                return Uni.createFrom().item(new JsonObject(outcome.outcome).getMap());
            }
            return TransactionRequest.<TransactionRequest>findById(transactionId).map(request -> {
                if (request == null || !request.userId.equals(user)) {
                    throw ClientError.notFound("transactionId", "no transaction " + transactionId);
                }
                Map<String, Object> json = accepted(request);
                json.put("accountId", request.accountId);
                json.put("kind", request.kind);
                return json;
            });
        });
    }
}
