package dev.kantor.fleet.analytics.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.fleet.analytics.domain.BreachCounts;
import dev.kantor.fleet.analytics.domain.Totals;
import dev.kantor.fleet.analytics.streams.AnalyticsTopology;
import dev.kantor.fleet.analytics.streams.InteractiveQueries;
import dev.kantor.fleet.analytics.streams.InteractiveQueries.Answer;
import dev.kantor.service.rest.ClientError;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The fleet's questions, answered from the state stores of whichever instance owns the key, from any instance:
 * a container's latest status, a vessel's or a product's totals, and the fleet's totals gathered from every
 * instance. Each answer says which instance served it and whether from a standby (stale).
 */
@Path("/fleet")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class FleetResource {

    private static final Set<String> STORES = Set.of(AnalyticsTopology.STATUS, AnalyticsTopology.VESSELS, AnalyticsTopology.PRODUCTS,
            AnalyticsTopology.BREACHES);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    InteractiveQueries queries;

    @Inject
    dev.kantor.fleet.analytics.messaging.AlertFeed feed;

    @GET
    @Path("/containers/{containerId}")
    @Operation(summary = "A container's latest status: its last window's mean temperature, set point and breach")
    public Map<String, Object> container(@PathParam("containerId") String containerId) {
        return InteractiveQueries.envelope(found(AnalyticsTopology.STATUS, containerId, "containerId"));
    }

    @GET
    @Path("/vessels/{vesselId}")
    @Operation(summary = "A vessel's containers, how many are in breach now, and its breaches so far by cause")
    public Map<String, Object> vessel(@PathParam("vesselId") String vesselId) {
        Map<String, Object> body = new LinkedHashMap<>(InteractiveQueries.envelope(found(AnalyticsTopology.VESSELS, vesselId, "vesselId")));
        body.put("breaches", queries.get(AnalyticsTopology.BREACHES, vesselId).map(InteractiveQueries::envelope).orElse(null));
        return body;
    }

    @GET
    @Path("/products/{product}")
    @Operation(summary = "A product's containers across the fleet and how many are in breach now")
    public Map<String, Object> product(@PathParam("product") String product) {
        return InteractiveQueries.envelope(found(AnalyticsTopology.PRODUCTS, product, "product"));
    }

    @GET
    @Path("/alerts/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @io.smallrye.common.annotation.NonBlocking
    @Operation(summary = "New cold-chain alerts from every vessel as they arrive ashore (Server-Sent Events), each alert id once")
    public io.smallrye.mutiny.Multi<Map<String, Object>> alerts() {
        return feed.stream().map(FleetResource::alertJson);
    }

    private static Map<String, Object> alertJson(dev.kantor.fleet.events.ColdChainAlert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("alertId", alert.getAlertId());
        json.put("vesselId", alert.getVesselId());
        json.put("containerId", alert.getContainerId());
        json.put("product", alert.getProduct().name());
        json.put("cause", alert.getCause().name());
        json.put("windowStart", alert.getWindowStart().toString());
        json.put("secondsOutOfRange", alert.getSecondsOutOfRange());
        json.put("worstDeviation", alert.getWorstDeviation().toPlainString());
        json.put("detail", alert.getDetail());
        return json;
    }

    @GET
    @Path("/vessels")
    @Operation(summary = "Every vessel's containers and how many are in breach now, gathered from every instance; complete is"
            + " false when one did not answer")
    public Map<String, Object> vessels() {
        Map<String, Object> vessels = new java.util.TreeMap<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vessels", vessels);
        body.putAll(gather("/fleet/local/vessels", this::localVessels,
                share -> share.fields().forEachRemaining(vessel -> vessels.put(vessel.getKey(), vessel.getValue()))));
        return body;
    }

    /** This instance's vessels (its active partitions): what /fleet/vessels gathers. */
    @GET
    @Path("/local/vessels")
    @Operation(summary = "This instance's share of the vessels (what /fleet/vessels gathers)")
    public Map<String, Totals> localVessels() {
        return queries.localEntries(AnalyticsTopology.VESSELS);
    }

    @GET
    @Path("/totals")
    @Operation(summary = "The whole fleet: every instance's share gathered and added up; complete is false when one did not answer")
    public Map<String, Object> totals() {
        Totals[] totals = {Totals.none()};
        BreachCounts[] breaches = {BreachCounts.none()};
        Map<String, Object> gathered = gather("/fleet/local/totals", this::localTotals, share -> {
            try {
                totals[0] = totals[0].plus(JSON.treeToValue(share.get("totals"), Totals.class));
                breaches[0] = breaches[0].plus(JSON.treeToValue(share.get("breaches"), BreachCounts.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("an instance's share is not totals: " + share, e);
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totals", totals[0]);
        body.put("breaches", breaches[0]);
        body.putAll(gathered);
        return body;
    }

    /**
     * Every instance's share (this one's from {@code local}, the others' from {@code localPath}) handed to {@code add};
     * returns which instances answered, which did not, and whether the answer is complete.
     */
    private Map<String, Object> gather(String localPath, java.util.function.Supplier<Object> local,
            java.util.function.Consumer<JsonNode> add) {
        List<String> answered = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String instance : queries.instances()) {
            try {
                add.accept(queries.self(instance) ? JSON.valueToTree(local.get()) : queries.fetch(instance, localPath));
                answered.add(instance);
            } catch (Exception unavailable) {
                missing.add(instance);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instances", answered);
        body.put("missing", missing);
        body.put("complete", missing.isEmpty());
        return body;
    }

    /** This instance's share of the fleet's totals: its active partitions only, so that shares add up. */
    @GET
    @Path("/local/totals")
    @Operation(summary = "This instance's share of the fleet's totals (what /fleet/totals adds up)")
    public Map<String, Object> localTotals() {
        Totals totals = queries.<Totals>localValues(AnalyticsTopology.VESSELS).stream().reduce(Totals.none(), Totals::plus);
        BreachCounts breaches = queries.<BreachCounts>localValues(AnalyticsTopology.BREACHES).stream()
                .reduce(BreachCounts.none(), BreachCounts::plus);
        return Map.of("totals", totals, "breaches", breaches);
    }

    @GET
    @Path("/local/{store}/{key}")
    @Operation(summary = "This instance's own copy of a key (with stale=true from a standby too), for the other instances")
    public Map<String, Object> local(@PathParam("store") String store, @PathParam("key") String key,
            @QueryParam("stale") @DefaultValue("false") boolean stale) {
        if (!STORES.contains(store)) {
            throw ClientError.notFound("store", "no store " + store);
        }
        return InteractiveQueries.envelope(queries.local(store, key, stale)
                .orElseThrow(() -> ClientError.notFound("key", "no " + key + " in " + store + " here")));
    }

    private Answer found(String store, String key, String field) {
        return queries.get(store, key).orElseThrow(() -> ClientError.notFound(field, "no " + field + " " + key));
    }
}
