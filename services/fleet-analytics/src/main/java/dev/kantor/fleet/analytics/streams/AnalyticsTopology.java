package dev.kantor.fleet.analytics.streams;

import java.util.regex.Pattern;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.kantor.fleet.analytics.domain.BreachCounts;
import dev.kantor.fleet.analytics.domain.ContainerStatus;
import dev.kantor.fleet.analytics.domain.Totals;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.ReeferWindowSummary;
import dev.kantor.service.streams.EventFormats;
import dev.kantor.service.streams.JsonSerde;

/**
 * The shore's view of the whole fleet, from every vessel's mirrored topics ({@code <vessel>.reefer-summaries} and
 * {@code <vessel>.reefer-alerts}, subscribed by pattern so that a new vessel needs no change): the latest status per
 * container, totals per vessel and per product kept by adding the new status and subtracting the old, and breaches
 * by cause per vessel counted once per alert id. Each is a queryable store.
 */
public final class AnalyticsTopology {

    public static final String STATUS = "container-status";
    public static final String VESSELS = "vessel-totals";
    public static final String PRODUCTS = "product-totals";
    public static final String BREACHES = "vessel-breaches";
    static final String ALERTS_BY_ID = "alerts-by-id";

    private AnalyticsTopology() {
    }

    /** What the breach counts need of an alert. */
    public record AlertFact(String vesselId, String cause) {
    }

    public static Topology build(String vessels, EventFormats formats) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<ContainerStatus> statusSerde = JsonSerde.of(ContainerStatus.class);
        Serde<ColdChainAlert> alertSerde = formats.of(ColdChainAlert.class);

        KTable<String, ContainerStatus> status = builder
                .stream(Pattern.compile("(" + vessels + ")\\.reefer-summaries"), Consumed.with(Serdes.String(), formats.of(ReeferWindowSummary.class)))
                .filter((container, summary) -> summary != null)
                .mapValues(ContainerStatus::of)
                .groupByKey(Grouped.with(Serdes.String(), statusSerde))
                .reduce(ContainerStatus::newer, Materialized.<String, ContainerStatus, KeyValueStore<Bytes, byte[]>>as(STATUS)
                        .withKeySerde(Serdes.String()).withValueSerde(statusSerde));
        status.groupBy((container, s) -> KeyValue.pair(s.vesselId(), s), Grouped.with(Serdes.String(), statusSerde))
                .aggregate(Totals::none, (vessel, s, totals) -> totals.add(s), (vessel, s, totals) -> totals.subtract(s),
                        Materialized.<String, Totals, KeyValueStore<Bytes, byte[]>>as(VESSELS)
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(Totals.class)));
        status.groupBy((container, s) -> KeyValue.pair(s.product(), s), Grouped.with(Serdes.String(), statusSerde))
                .aggregate(Totals::none, (product, s, totals) -> totals.add(s), (product, s, totals) -> totals.subtract(s),
                        Materialized.<String, Totals, KeyValueStore<Bytes, byte[]>>as(PRODUCTS)
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(Totals.class)));

        // By alert id first: an alert mirrored twice replaces itself instead of counting again. What is kept of it is
        // internal (JSON): the registry holds the contracts of the topics, not of a store's changelog.
        builder.stream(Pattern.compile("(" + vessels + ")\\.reefer-alerts"), Consumed.with(Serdes.String(), alertSerde))
                .filter((container, alert) -> alert != null)
                .map((container, alert) -> KeyValue.pair(alert.getAlertId(), new AlertFact(alert.getVesselId(), alert.getCause().name())))
                .toTable(Materialized.<String, AlertFact, KeyValueStore<Bytes, byte[]>>as(ALERTS_BY_ID)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(AlertFact.class)))
                .groupBy((id, fact) -> KeyValue.pair(fact.vesselId(), fact.cause()), Grouped.with(Serdes.String(), Serdes.String()))
                .aggregate(BreachCounts::none, (vessel, cause, counts) -> counts.add(cause), (vessel, cause, counts) -> counts.remove(cause),
                        Materialized.<String, BreachCounts, KeyValueStore<Bytes, byte[]>>as(BREACHES)
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(BreachCounts.class)));
        return builder.build();
    }
}
