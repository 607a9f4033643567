package dev.kantor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.kantor.topology.MetricCatalogue;

/**
 * Holds a service to the metric catalogue the dashboards and alerts of k8s/ are checked against: every entry of the
 * service must be a series of its real Prometheus scrape. Renaming a meter, or a tag value an alert filters on, fails
 * the service's own test, not a dashboard in production.
 */
public final class CatalogueMetrics {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CatalogueMetrics() {
    }

    /**
     * Waits (meters appear with their first use) until /q/metrics at the URI exposes every catalogue entry of the
     * service, and fails naming those still missing. The last scrape is left in target/q-metrics.txt to look at.
     */
    public static void awaitExposed(String service, URI metrics, Duration wait) {
        List<MetricCatalogue.Entry> entries = MetricCatalogue.load().get(service);
        if (entries == null || entries.isEmpty()) {
            throw new AssertionError("the metric catalogue (" + MetricCatalogue.PATH + ") has no entry for " + service);
        }
        AtomicReference<List<MetricCatalogue.Entry>> missing = new AtomicReference<>(entries);
        AtomicReference<String> scrape = new AtomicReference<>("");
        try {
            Awaitility.await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> {
                scrape.set(scrape(metrics));
                missing.set(MetricCatalogue.missing(entries, scrape.get()));
                return missing.get().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(service + " does not expose " + missing.get() + " of " + MetricCatalogue.PATH
                    + " (the scrape is in target/q-metrics.txt)", e);
        } finally {
            try {
                Files.writeString(Path.of("target/q-metrics.txt"), scrape.get());
            } catch (IOException ignored) {
                // Only a help for whoever reads the failure.
            }
        }
    }

    private static String scrape(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metrics + " answered " + response.statusCode());
        }
        return response.body();
    }
}
