package dev.kantor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The catalogue's lines, and which of them a Prometheus scrape leaves unexposed. */
class MetricCatalogueTest {

    static final String SCRAPE = """
            # HELP kantor_consumer_records_total
            # TYPE kantor_consumer_records_total counter
            kantor_consumer_records_total{channel="transactions",outcome="decoded"} 12.0
            kantor_consumer_records_total{channel="transactions",outcome="dead-lettered"} 0.0
            kantor_wallet_published_total 3.0
            kafka_consumer_fetch_manager_records_lag_max{client_id="kafka-consumer-transactions",kafka_version="4.0.0"} 0.0
            """;

    @Test
    void aLineIsExposedWhenASeriesHasItsNameAndEveryLabelValueItNames() {
        Map<String, List<MetricCatalogue.Entry>> catalogue = MetricCatalogue.parse("""
                # a comment
                wallet kantor_consumer_records_total{outcome="dead-lettered"}   # and one after a line
                wallet kantor_wallet_published_total
                wallet kafka_consumer_fetch_manager_records_lag_max
                wallet kantor_consumer_records_total{outcome="dead-lettered",channel="rates"}
                wallet kantor_wallet_transactions_total
                """);
        List<MetricCatalogue.Entry> wallet = catalogue.get("wallet");
        assertEquals(5, wallet.size());
        assertEquals(Map.of("outcome", "dead-lettered"), wallet.get(0).labels());
        assertEquals(List.of(wallet.get(3), wallet.get(4)), MetricCatalogue.missing(wallet, SCRAPE),
                "a label value no series has, and a metric not scraped at all");
        assertEquals(List.of(), MetricCatalogue.missing(wallet.subList(0, 3), SCRAPE));
    }

    @Test
    void aLineThatIsNoMetricIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MetricCatalogue.parse("wallet"));
        assertThrows(IllegalArgumentException.class, () -> MetricCatalogue.parse("wallet kantor-wallet"));
    }

    @Test
    void theCheckoutsCatalogueNamesEveryServiceAndOnlyThem() {
        assertEquals(new java.util.TreeSet<>(Services.PORTS.keySet()), new java.util.TreeSet<>(MetricCatalogue.load().keySet()));
    }
}
