package dev.kantor.fleet.analytics.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kantor.fleet.analytics.domain.BreachCounts;
import dev.kantor.fleet.analytics.domain.ContainerStatus;
import dev.kantor.fleet.analytics.domain.Totals;
import dev.kantor.fleet.events.BreachCause;
import dev.kantor.fleet.events.ColdChainAlert;
import dev.kantor.fleet.events.Product;
import dev.kantor.fleet.events.ReeferWindowSummary;

/**
 * The analytics topology alone (Kafka Streams' test driver, plain Avro): a container's status is its latest window
 * even when an older one arrives after it, totals move when a status changes instead of counting the container
 * again, an alert mirrored twice counts once, and topics of vessels outside the pattern are not read.
 */
class AnalyticsTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    TopologyTestDriver driver;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/analytics-test-" + System.nanoTime());
        driver = new TopologyTestDriver(AnalyticsTopology.build("vessel[0-9]+", dev.kantor.testsupport.PlainAvro::serde), props);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void statusIsTheLatestWindowAndTotalsFollowItsChanges() {
        TestInputTopic<String, ReeferWindowSummary> v1 = summaries("vessel1");
        TestInputTopic<String, ReeferWindowSummary> v2 = summaries("vessel2");
        v1.pipeInput("vessel1-c1", summary("vessel1", "vessel1-c1", T0.plusSeconds(60), BreachCause.DOOR_OPEN));
        v1.pipeInput("vessel1-c1", summary("vessel1", "vessel1-c1", T0, null)); // older, mirrored late
        v1.pipeInput("vessel1-c2", summary("vessel1", "vessel1-c2", T0, BreachCause.POWER_OFF));
        v1.pipeInput("vessel1-c2", summary("vessel1", "vessel1-c2", T0.plusSeconds(60), null)); // recovered
        v2.pipeInput("vessel2-c1", summary("vessel2", "vessel2-c1", T0, null));
        // A vessel outside the pattern: the topology does not subscribe to its topics at all.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> summaries("elsewhere1")
                .pipeInput("elsewhere1-c1", summary("elsewhere1", "elsewhere1-c1", T0, BreachCause.UNEXPLAINED)));

        KeyValueStore<String, ContainerStatus> status = driver.getKeyValueStore(AnalyticsTopology.STATUS);
        assertEquals("DOOR_OPEN", status.get("vessel1-c1").breach(), "the later window wins, whatever the arrival order");
        assertEquals(null, status.get("vessel1-c2").breach());
        KeyValueStore<String, Totals> vessels = driver.getKeyValueStore(AnalyticsTopology.VESSELS);
        assertEquals(new Totals(2, 1), vessels.get("vessel1"));
        assertEquals(new Totals(1, 0), vessels.get("vessel2"));
        KeyValueStore<String, Totals> products = driver.getKeyValueStore(AnalyticsTopology.PRODUCTS);
        assertEquals(new Totals(3, 1), products.get("BANANAS"));
    }

    @Test
    void anAlertMirroredTwiceCountsOnce() {
        TestInputTopic<String, ColdChainAlert> alerts = driver.createInputTopic("vessel1.reefer-alerts", Serdes.String().serializer(),
                plainAvro(ColdChainAlert.class).serializer());
        ColdChainAlert door = alert("vessel1-c1", T0, BreachCause.DOOR_OPEN);
        alerts.pipeInput("vessel1-c1", door);
        alerts.pipeInput("vessel1-c1", door);
        alerts.pipeInput("vessel1-c2", alert("vessel1-c2", T0, BreachCause.POWER_OFF));
        alerts.pipeInput("vessel1-c2", alert("vessel1-c2", T0.plusSeconds(60), BreachCause.POWER_OFF));
        KeyValueStore<String, BreachCounts> breaches = driver.getKeyValueStore(AnalyticsTopology.BREACHES);
        assertEquals(new TreeMap<>(Map.of("DOOR_OPEN", 1L, "POWER_OFF", 2L)), breaches.get("vessel1").byCause());
    }

    TestInputTopic<String, ReeferWindowSummary> summaries(String vessel) {
        return driver.createInputTopic(vessel + ".reefer-summaries", Serdes.String().serializer(), plainAvro(ReeferWindowSummary.class).serializer());
    }

    static ReeferWindowSummary summary(String vessel, String container, Instant start, BreachCause breach) {
        return ReeferWindowSummary.newBuilder().setSummaryId(container + "/" + start).setVesselId(vessel).setContainerId(container)
                .setProduct(Product.BANANAS).setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setReadings(6)
                .setMinTemperature(new BigDecimal("13.10")).setMaxTemperature(new BigDecimal("13.50")).setMeanTemperature(new BigDecimal("13.30"))
                .setSetPoint(new BigDecimal("13.30")).setSecondsOutOfRange(breach == null ? 0 : 40).setDoorOpenSeconds(0).setPowerOffSeconds(0)
                .setBreach(breach).build();
    }

    static ColdChainAlert alert(String container, Instant start, BreachCause cause) {
        return ColdChainAlert.newBuilder().setAlertId(container + "/" + start + "/" + cause).setVesselId("vessel1").setContainerId(container)
                .setProduct(Product.BANANAS).setCause(cause).setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                .setSecondsOutOfRange(40).setWorstDeviation(new BigDecimal("2.10")).setDetail("test").build();
    }

    static <T extends SpecificRecord> Serde<T> plainAvro(Class<T> type) {
        return dev.kantor.testsupport.PlainAvro.serde(type);
    }
}
