package dev.kantor.gateway.rest;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.domain.FieldError;
import dev.kantor.gateway.domain.QuotePrice;
import dev.kantor.gateway.domain.RequestRules;
import dev.kantor.gateway.persistence.LatestRate;
import dev.kantor.gateway.persistence.Quote;
import dev.kantor.service.rest.ClientError;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Firm exchange quotes: what an amount buys at the latest rate, and a quote id that an exchange may name until the
 * quote expires. The exchange is then made at the transaction service's rate only if that is not worse for the user
 * than the quote beyond the tolerance the exchange asks for; otherwise it is rejected with RATE_MOVED.
 */
@Path("/api/quotes")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class QuoteResource {

    /** Expired quotes deleted per quote given, at most: more than are given, so the table shrinks whenever it is used. */
    static final int SWEEP_BATCH = 100;

    @Inject
    Identity identity;

    @Inject
    RequestRules rules;

    @Inject
    GatewayConfig config;

    private final Clock clock = Clock.systemUTC();

    @GET
    @Operation(summary = "A firm quote (?from=EUR&to=USD&amount=100.00): the rate, the amount received, the rate's age, "
            + "and a quoteId an EXCHANGE may name until expiresAt")
    @APIResponse(responseCode = "200", description = "a firm quote",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.QuoteAnswer.class)))
    @APIResponse(responseCode = "400", description = "from, to or amount invalid (named in field)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "no rate for the pair yet",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Uni<Map<String, Object>> quote(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("amount") String amountText) {
        BigDecimal amount = amount(amountText);
        rules.quote(from, to, amount);
        String user = identity.user();
        return Panache.withTransaction(() -> LatestRate.<LatestRate>findById(from + "/" + to)
                .chain(direct -> LatestRate.<LatestRate>findById(to + "/" + from)
                        .map(inverse -> QuotePrice.of(amount, from, to, pairRate(direct), pairRate(inverse))))
                .chain(price -> {
                    if (price.isEmpty()) {
                        return Uni.createFrom().failure(ClientError.notFound("to", "no rate for " + from + "/" + to + " yet"));
                    }
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    Quote quote = new Quote();
                    quote.quoteId = UUID.randomUUID().toString();
                    quote.userId = user;
                    quote.fromCurrency = from;
                    quote.toCurrency = to;
                    quote.rate = price.get().rate();
                    quote.expiresAt = now.plus(config.quote().ttl());
                    // Whoever asks for quotes pays for keeping their table small: no scheduler, nothing grows unseen.
                    return Quote.sweepExpired(now.minus(config.quote().retention()), SWEEP_BATCH)
                            .chain(() -> quote.persist()).replaceWith(answer(quote, amount, price.get(), now));
                }));
    }

    private static BigDecimal amount(String text) {
        if (text == null || !text.matches("[0-9]{1,20}(\\.[0-9]{1,20})?")) {
            throw new FieldError("amount", "amount is required, as a decimal such as 100.00");
        }
        return new BigDecimal(text);
    }

    private static Optional<QuotePrice.PairRate> pairRate(LatestRate rate) {
        if (rate == null) {
            return Optional.empty();
        }
        String value = new JsonObject(rate.payload).getString("rate");
        return value == null ? Optional.empty() : Optional.of(new QuotePrice.PairRate(new BigDecimal(value), rate.quotedAt));
    }

    private static Map<String, Object> answer(Quote quote, BigDecimal amount, QuotePrice price, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("quoteId", quote.quoteId);
        json.put("from", quote.fromCurrency);
        json.put("to", quote.toCurrency);
        json.put("amount", amount.toPlainString());
        json.put("rate", price.rate().stripTrailingZeros().toPlainString());
        json.put("amountReceived", price.received().toPlainString());
        json.put("rateQuotedAt", price.rateQuotedAt().toString());
        json.put("rateAgeMillis", Math.max(0, Duration.between(price.rateQuotedAt(), now).toMillis()));
        json.put("expiresAt", quote.expiresAt.toString());
        return json;
    }
}
