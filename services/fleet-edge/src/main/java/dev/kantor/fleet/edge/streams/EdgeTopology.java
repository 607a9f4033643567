package dev.kantor.fleet.edge.streams;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.kantor.fleet.edge.config.EdgeConfig;
import dev.kantor.fleet.edge.domain.BreachRules;
import dev.kantor.fleet.edge.domain.ReeferWindow;
import dev.kantor.service.streams.EventFormats;
import dev.kantor.service.streams.JsonSerde;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * The vessel's edge processing as one Kafka Streams topology: readings (by the device's own time) lose their re-sent
 * copies, fold into tumbling windows per container, and each window is emitted once, after its grace period, as a
 * summary, and as an alert when it breached the cold chain. Run with exactly-once v2, so a restart mid-window neither
 * loses nor repeats a window.
 */
public final class EdgeTopology {

    public static final String READINGS = "reefer-readings";
    public static final String SUMMARIES = "reefer-summaries";
    public static final String ALERTS = "reefer-alerts";
    static final String WINDOWS = "reefer-windows";

    private EdgeTopology() {
    }

    /** A closed window's summary and, when it breached, its alert. */
    private record ClosedWindow(ReeferWindowSummary summary, ColdChainAlert alert) {
    }

    public static Topology build(EdgeConfig config, EventFormats formats) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(DropResent.STORE,
                config.resentWithin().multipliedBy(3), config.resentWithin().multipliedBy(2), false), Serdes.String(), Serdes.Long()));
        BreachRules rules = new BreachRules(config.breachSeconds());
        Serde<ReeferReading> readings = formats.of(ReeferReading.class);

        KStream<Windowed<String>, ReeferWindow> closed = builder
                .stream(READINGS, Consumed.with(Serdes.String(), readings)
                        .withTimestampExtractor((record, partitionTime) -> record.value() instanceof ReeferReading r
                                ? r.getMeasuredAt().toEpochMilli() : partitionTime))
                .processValues(() -> new DropResent(config.resentWithin()), DropResent.STORE)
                .groupByKey(Grouped.with(Serdes.String(), readings))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.window(), config.grace()))
                .aggregate(ReeferWindow::empty, (container, reading, window) -> window.add(reading),
                        Materialized.<String, ReeferWindow, WindowStore<Bytes, byte[]>>as(WINDOWS)
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(ReeferWindow.class)))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("closed-windows"))
                .toStream();

        // One decision per closed window: its summary (saying whether it breached), and its alert when it did.
        KStream<String, ClosedWindow> decided = closed.map((window, state) -> {
            ReeferWindowSummary summary = state.summary(Instant.ofEpochMilli(window.window().start()), Instant.ofEpochMilli(window.window().end()));
            java.util.Optional<ColdChainAlert> alert = rules.alert(summary, state.worstDeviation());
            alert.ifPresent(a -> summary.setBreach(a.getCause()));
            return org.apache.kafka.streams.KeyValue.pair(window.key(), new ClosedWindow(summary, alert.orElse(null)));
        });
        decided.mapValues(ClosedWindow::summary).to(SUMMARIES, Produced.with(Serdes.String(), formats.of(ReeferWindowSummary.class)));
        decided.filter((container, window) -> window.alert() != null).mapValues(ClosedWindow::alert)
                .to(ALERTS, Produced.with(Serdes.String(), formats.of(ColdChainAlert.class)));
        return builder.build();
    }
}
