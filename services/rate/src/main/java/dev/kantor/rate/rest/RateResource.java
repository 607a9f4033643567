package dev.kantor.rate.rest;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;

import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.kantor.service.rest.ClientError;
import dev.kantor.rate.domain.LatestRates;
import dev.kantor.rate.messaging.QuotePublisher;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The latest rates, each with its age, and a live stream of quotes (Server-Sent Events). */
@Path("/rates")
@Produces(MediaType.APPLICATION_JSON)
public class RateResource {

    @Inject
    LatestRates latest;

    @Inject
    QuotePublisher publisher;

    private final Clock clock = Clock.systemUTC();

    @GET
    public List<RateView> all() {
        var now = clock.instant();
        return latest.all().stream().sorted(Comparator.comparing(q -> q.pair())).map(q -> RateView.of(q, now)).toList();
    }

    @GET
    @Path("/{base}/{quote}")
    public RateView one(@PathParam("base") String base, @PathParam("quote") String quote) {
        String pair = currency("base", base) + "/" + currency("quote", quote);
        return latest.of(pair).map(q -> RateView.of(q, clock.instant()))
                .orElseThrow(() -> ClientError.notFound(null, "no rate for " + pair));
    }

    private static String currency(String field, String value) {
        String code = value.toUpperCase(java.util.Locale.ROOT);
        if (!code.matches("[A-Z]{3}")) {
            throw ClientError.badRequest(field, field + " must be a three-letter ISO 4217 code, was '" + value + "'");
        }
        return code;
    }

    /**
     * The latest rate of every pair first, then every new quote: a client that reconnects starts from the current
     * state, so it misses no pair's latest rate.
     */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<RateView> stream() {
        return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(all()),
                // A client too slow for the feed skips quotes rather than failing: the next one supersedes them.
                publisher.live().onOverflow().drop().map(q -> RateView.of(q, clock.instant())));
    }
}
