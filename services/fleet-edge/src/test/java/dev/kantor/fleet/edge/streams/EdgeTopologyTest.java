package dev.kantor.fleet.edge.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kantor.fleet.edge.config.EdgeConfig;
import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * The edge topology alone (Kafka Streams' test driver, events as plain Avro): re-sent readings are dropped, each
 * container's window is summarised once, only after its grace period, exactly as a reference computed here from the
 * raw readings says, and breached windows raise one alert classified by cause. The flows against a real broker are
 * the fleet's scenarios; this holds the topology's arithmetic and timing.
 */
class EdgeTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    static final EdgeConfig CONFIG = new EdgeConfig() {
        public String vesselId() { return "vessel1"; }
        public Duration window() { return Duration.ofMinutes(1); }
        public Duration grace() { return Duration.ofSeconds(30); }
        public Duration resentWithin() { return Duration.ofMinutes(10); }
        public int breachSeconds() { return 30; }
    };

    TopologyTestDriver driver;
    TestInputTopic<String, ReeferReading> readings;
    TestOutputTopic<String, ReeferWindowSummary> summaries;
    TestOutputTopic<String, ColdChainAlert> alerts;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "edge-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/edge-test-" + System.nanoTime());
        dev.kantor.service.streams.EventFormats avro = dev.kantor.testsupport.PlainAvro::serde;
        driver = new TopologyTestDriver(EdgeTopology.build(CONFIG, avro), props);
        readings = driver.createInputTopic(EdgeTopology.READINGS, Serdes.String().serializer(), plainAvro(ReeferReading.class).serializer());
        summaries = driver.createOutputTopic(EdgeTopology.SUMMARIES, Serdes.String().deserializer(), plainAvro(ReeferWindowSummary.class).deserializer());
        alerts = driver.createOutputTopic(EdgeTopology.ALERTS, Serdes.String().deserializer(), plainAvro(ColdChainAlert.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void eachWindowIsSummarisedOnceAfterItsGraceAndReSentReadingsCountOnce() {
        List<ReeferReading> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Every 10 s for two minutes; bananas at 13.30 drifting a little.
            ReeferReading reading = reading("c1", i, T0.plusSeconds(10L * i), "13.3" + (i % 7), false, true);
            sent.add(reading);
            readings.pipeInput("c1", reading);
            if (i % 4 == 0) {
                readings.pipeInput("c1", reading); // the device was not sure: the same reading again
            }
        }
        List<ReeferWindowSummary> emitted = new ArrayList<>(summaries.readValuesToList());
        assertEquals(1, emitted.size(), "at 1:50 the first window has closed (its end plus grace is 1:30), the second not: " + emitted);
        // Stream time passes the second window's end plus grace (2:30).
        readings.pipeInput("c1", reading("c1", 99, T0.plusSeconds(151), "13.30", false, true));
        emitted.addAll(summaries.readValuesToList());
        assertEquals(2, emitted.size(), emitted.toString());
        for (int w = 0; w < 2; w++) {
            Instant start = T0.plusSeconds(60L * w);
            ReeferWindowSummary expected = reference(sent.stream().filter(r -> !r.getMeasuredAt().isBefore(start)
                    && r.getMeasuredAt().isBefore(start.plusSeconds(60))).toList(), start);
            assertEquals(expected, emitted.get(w));
        }
        // A reading later than its window's grace changes nothing and emits nothing.
        readings.pipeInput("c1", reading("c1", 100, T0.plusSeconds(5), "30.00", true, false));
        readings.pipeInput("c1", reading("c1", 101, T0.plusSeconds(400), "13.30", false, true));
        List<ReeferWindowSummary> later = summaries.readValuesToList();
        assertTrue(later.stream().noneMatch(s -> s.getWindowStart().equals(T0)), "the first window was emitted once: " + later);
        assertTrue(alerts.isEmpty());
    }

    @Test
    void aBreachedWindowRaisesOneAlertClassifiedByItsCause() {
        // c-power: power off, warming; c-door: door open, warming; c-fault: warming with power on and door shut;
        // c-brief: out of range for 20 s only (below the 30 s threshold).
        Map<String, BreachCause> expected = new TreeMap<>(Map.of("c-power", BreachCause.POWER_OFF, "c-door", BreachCause.DOOR_OPEN,
                "c-fault", BreachCause.UNEXPLAINED));
        for (int i = 0; i < 6; i++) {
            Instant at = T0.plusSeconds(10L * i);
            boolean warm = i >= 2;
            readings.pipeInput("c-power", reading("c-power", i, at, warm ? "15.80" : "13.30", false, !warm));
            readings.pipeInput("c-door", reading("c-door", i, at, warm ? "14.90" : "13.30", warm, true));
            readings.pipeInput("c-fault", reading("c-fault", i, at, warm ? "16.00" : "13.30", false, true));
            readings.pipeInput("c-brief", reading("c-brief", i, at, i >= 4 ? "14.50" : "13.30", false, true));
        }
        readings.pipeInput("c-power", reading("c-power", 50, T0.plusSeconds(95), "13.30", false, true));
        Map<String, ColdChainAlert> raised = new TreeMap<>();
        alerts.readKeyValuesToList().forEach(kv -> assertEquals(null, raised.put(kv.key, kv.value), "one alert per window"));
        assertEquals(expected.keySet(), raised.keySet());
        raised.forEach((container, alert) -> {
            assertEquals(expected.get(container), alert.getCause(), alert.toString());
            assertEquals(container + "/" + T0 + "/" + alert.getCause(), alert.getAlertId(), "the same window gives the same id");
            assertEquals(40, alert.getSecondsOutOfRange());
        });
        assertEquals(0, new BigDecimal("2.70").compareTo(raised.get("c-fault").getWorstDeviation()));
        Map<String, BreachCause> breaches = new TreeMap<>();
        summaries.readValuesToList().forEach(s -> breaches.put(s.getContainerId(), s.getBreach()));
        Map<String, BreachCause> withBrief = new TreeMap<>(expected);
        withBrief.put("c-brief", null);
        assertEquals(withBrief, breaches, "every container's window is summarised, saying whether it breached and why");
    }

    /** The summary of a window computed from its raw readings, independently of the edge's code. */
    static ReeferWindowSummary reference(List<ReeferReading> window, Instant start) {
        List<ReeferReading> distinct = List.copyOf(window);
        BigDecimal min = distinct.stream().map(ReeferReading::getTemperature).min(BigDecimal::compareTo).orElseThrow();
        BigDecimal max = distinct.stream().map(ReeferReading::getTemperature).max(BigDecimal::compareTo).orElseThrow();
        BigDecimal sum = distinct.stream().map(ReeferReading::getTemperature).reduce(BigDecimal.ZERO, BigDecimal::add);
        int out = 0;
        int door = 0;
        int off = 0;
        for (ReeferReading r : distinct) {
            if (r.getTemperature().subtract(r.getSetPoint()).abs().compareTo(new BigDecimal("1.00")) > 0) {
                out += r.getIntervalSeconds();
            }
            door += r.getDoorOpen() ? r.getIntervalSeconds() : 0;
            off += r.getPowerOn() ? 0 : r.getIntervalSeconds();
        }
        ReeferReading any = distinct.get(0);
        return ReeferWindowSummary.newBuilder().setSummaryId(any.getContainerId() + "/" + start).setVesselId(any.getVesselId())
                .setContainerId(any.getContainerId()).setProduct(any.getProduct()).setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                .setReadings(distinct.size()).setMinTemperature(min).setMaxTemperature(max)
                .setMeanTemperature(sum.divide(BigDecimal.valueOf(distinct.size()), 2, RoundingMode.HALF_EVEN))
                .setSetPoint(any.getSetPoint()).setSecondsOutOfRange(out).setDoorOpenSeconds(door).setPowerOffSeconds(off).build();
    }

    static ReeferReading reading(String container, long sequence, Instant at, String temperature, boolean doorOpen, boolean powerOn) {
        return ReeferReading.newBuilder().setReadingId(container + "/" + sequence).setVesselId("vessel1").setContainerId(container)
                .setProduct(Product.BANANAS).setSequence(sequence).setMeasuredAt(at).setIntervalSeconds(10)
                .setTemperature(new BigDecimal(temperature)).setSetPoint(new BigDecimal("13.30")).setDoorOpen(doorOpen).setPowerOn(powerOn)
                .setLatitude(new BigDecimal("51.900000")).setLongitude(new BigDecimal("4.480000")).build();
    }

    static <T extends SpecificRecord> Serde<T> plainAvro(Class<T> type) {
        return dev.kantor.testsupport.PlainAvro.serde(type);
    }
}
