package dev.kantor.gateway.rest;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.service.rest.ClientError;
import dev.kantor.service.rest.Problems;
import dev.kantor.gateway.domain.FieldError;
import dev.kantor.gateway.persistence.Feed;
import dev.kantor.gateway.persistence.LatestRate;
import dev.kantor.gateway.persistence.WalletSnapshot;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * The SSE streams: the caller's transaction outcomes, the caller's wallet, and the rates. Event ids are feed
 * sequence numbers; a client reconnecting with Last-Event-ID first gets every event it missed, from the feed table,
 * then the live ones. A new client of the wallet or rates stream first gets the current state.
 */
@Path("/api/stream")
@RolesAllowed("user")
public class StreamResource {

    @Inject
    Identity identity;

    @Inject
    Feed feed;

    @Inject
    StreamQuota quota;

    @Inject
    GatewayMetrics metrics;

    @Inject
    dev.kantor.gateway.config.GatewayConfig config;

    @GET
    @Path("/{stream}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // The data is already JSON text: written as it is, and said once for the stream, not in every frame.
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "SSE: transactions (my outcomes), wallet (my wallet updates) or rates; resumes after Last-Event-ID")
    @APIResponse(responseCode = "200", description = "Server-sent events: each event's data is a JSON document (a Transaction, a Wallet"
            + " or a Rate, by stream), its id the position to resume after with Last-Event-ID",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "Last-Event-ID is not an id this stream sent",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "401", description = "no valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "403", description = "the token does not allow it (no group user)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "no such stream",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "429", description = "too many open streams for this user",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Multi<OutboundSseEvent> stream(@PathParam("stream") String stream, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        if (!List.of("transactions", "wallet", "rates").contains(stream)) {
            throw ClientError.notFound("stream", "no stream " + Problems.quoted(stream) + " (transactions, wallet, rates)");
        }
        Long resumeAfter = lastEventId == null || lastEventId.isBlank() ? null : parse(lastEventId);
        String caller = identity.user();
        String user = "rates".equals(stream) ? null : caller;
        // Counted last, once nothing can refuse the request any more, and given back however the stream ends.
        if (!quota.tryOpen(caller, config.maxStreamsPerUser())) {
            throw new ProblemMapper.TooManyStreams("at most " + config.maxStreamsPerUser()
                    + " open streams per user: close one (or another tab) first");
        }
        // No media type on the events: RESTEasy Reactive would write it into every frame as a "content-type:" line,
        // which is no SSE field (the stream's element type above says how data is written). An event without an id (the current state's first ones) leaves the client's last id.
        metrics.connected(stream);
        return items(stream, user, resumeAfter).map(item -> {
                    metrics.delivered(stream);
                    OutboundSseEvent.Builder event = sse.newEventBuilder().name(stream).data(item.payload());
                    return (item.seq() >= 0 ? event.id(Long.toString(item.seq())) : event).build();
                })
                .onTermination().invoke(() -> {
                    quota.close(caller);
                    metrics.disconnected(stream);
                });
    }

    private Multi<Feed.Item> items(String stream, String user, Long resumeAfter) {
        return Multi.createFrom().emitter(emitter -> {
            Object lock = new Object();
            List<Feed.Item> pending = new ArrayList<>();
            boolean[] started = {false};
            long[] cursor = {Long.MAX_VALUE};
            // Live first, held back until the replay is out, so nothing falls between the two.
            Cancellable live = feed.live().filter(item -> item.stream().equals(stream) && java.util.Objects.equals(item.userId(), user))
                    .subscribe().with(item -> {
                        synchronized (lock) {
                            if (!started[0]) {
                                pending.add(item);
                            } else if (item.seq() > cursor[0]) {
                                cursor[0] = item.seq();
                                emitter.emit(item);
                            }
                        }
                    }, emitter::fail);
            emitter.onTermination(live::cancel);
            Uni<Start> first = resumeAfter != null
                    ? feed.after(stream, user, resumeAfter, 10_000).map(items -> new Start(items, resumeAfter))
                    : feed.newest().chain(newest -> current(stream, user).map(payloads -> new Start(snapshot(payloads, newest, user, stream),
                            newest)));
            first.subscribe().with(start -> {
                synchronized (lock) {
                    cursor[0] = start.cursor();
                    for (Feed.Item item : start.items()) {
                        cursor[0] = Math.max(cursor[0], item.seq());
                        emitter.emit(item);
                    }
                    for (Feed.Item item : pending) {
                        if (item.seq() > cursor[0]) {
                            cursor[0] = item.seq();
                            emitter.emit(item);
                        }
                    }
                    started[0] = true;
                }
            }, emitter::fail);
        });
    }

    /**
     * The current state as events: only the last carries an id, the feed position the live events follow, so that ids
     * stay distinct and a client that reconnects after any of them misses nothing (before the last, it had no id yet
     * and gets the whole state again).
     */
    private static List<Feed.Item> snapshot(List<String> payloads, long newest, String user, String stream) {
        List<Feed.Item> items = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            items.add(new Feed.Item(i == payloads.size() - 1 ? newest : -1, user, stream, payloads.get(i)));
        }
        return items;
    }

    /** What a client gets first, and the sequence number after which live events follow. */
    private record Start(List<Feed.Item> items, long cursor) {
    }

    /** The current state of a stream, for a new client: the wallet, or the latest rate of every pair. */
    private Uni<List<String>> current(String stream, String user) {
        return switch (stream) {
            case "wallet" -> Panache.withSession(() -> WalletSnapshot.<WalletSnapshot>findById(user))
                    .map(w -> w == null ? List.<String>of() : List.of(w.payload));
            case "rates" -> Panache.withSession(() -> LatestRate.<LatestRate>list("order by pair"))
                    .map(rates -> rates.stream().map(r -> r.payload).toList());
            default -> Uni.createFrom().item(List.<String>of());
        };
    }

    private static long parse(String lastEventId) {
        String id = lastEventId.strip();
        // ASCII digits only: Long.parseLong would also take a sign and other scripts' digits.
        if (id.length() <= 18 && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.parseLong(id);
        }
        throw new FieldError("Last-Event-ID", "Last-Event-ID must be an event id this stream sent");
    }
}
