package dev.kantor.wallet.rest;

import java.time.Clock;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.kantor.wallet.persistence.WalletStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The operator's rebuild: drop the projection and replay the topics from the beginning (RebuildWatcher seeks every
 * replica's partitions). Progress is the offsets consumed so far, to compare with the topics' end offsets.
 */
@Path("/admin/wallets/rebuild")
@Produces(MediaType.APPLICATION_JSON)
public class RebuildResource {

    /** A rebuild's generation and how far the projection has consumed. */
    public record Progress(long generation, List<WalletView.OffsetView> offsets) {
    }

    @Inject
    WalletStore store;

    private final Clock clock = Clock.systemUTC();

    @POST
    @WithTransaction
    @Operation(summary = "Drop the wallet projection and rebuild it from the beginning of the topics")
    public Uni<Response> rebuild() {
        return store.dropForRebuild(clock.instant())
                .map(generation -> Response.accepted(new Progress(generation, List.of())).build());
    }

    @GET
    @WithSession
    @Operation(summary = "The projection's generation and the offsets it has consumed")
    public Uni<Progress> progress() {
        return store.generation().chain(generation -> store.offsets()
                .map(offsets -> new Progress(generation, WalletView.offsets(offsets))));
    }
}
