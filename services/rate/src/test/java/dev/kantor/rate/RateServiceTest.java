package dev.kantor.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kantor.events.RateQuoted;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.testsupport.CatalogueMetrics;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The simulated feed (ticking fast in tests) through the real broker and registry, and out over REST and SSE. */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class RateServiceTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/rates")
    URL rates;

    @Test
    void quotesReachTheTopicKeyedByPair() {
        try (KafkaTestClient kafka = new KafkaTestClient(LocalPlatform.fromEnvironment().ensureRunning());
             KafkaTestClient.Tail topic = kafka.tail("rates")) {
            List<RateQuoted> quotes = topic.await(RateQuoted.class, q -> q.getSource().equals("simulated"), 9, Duration.ofSeconds(30));
            assertTrue(quotes.stream().anyMatch(q -> q.getPair().equals("EUR/USD")));
            quotes.forEach(q -> assertEquals(q.getBaseCurrency() + "/" + q.getQuoteCurrency(), q.getPair()));
            var raw = topic.awaitRaw(r -> true, 1, Duration.ofSeconds(30)).get(0);
            assertTrue(raw.key().matches("[A-Z]{3}/[A-Z]{3}"), raw.key());
        }
        // What the dashboards and alerts of k8s/ read of this service, now that it has published quotes.
        CatalogueMetrics.awaitExposed("rate", java.net.URI.create(rates.toString()).resolve("/q/metrics"), Duration.ofSeconds(30));
    }

    @Test
    void restServesEveryPairWithItsAgeAndOnePairOrA404() throws Exception {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(rates.toString()).body().contains("EUR/BHD"));
        HttpResponse<String> all = get(rates.toString());
        assertEquals(200, all.statusCode());
        assertTrue(all.body().contains("\"ageMillis\""), all.body());
        HttpResponse<String> one = get(rates + "/eur/usd");
        assertEquals(200, one.statusCode());
        assertTrue(one.body().contains("\"pair\":\"EUR/USD\""), one.body());
        // A decimal string, never a JSON number (a double in most clients' parsers).
        assertTrue(one.body().matches(".*\"rate\":\"[0-9]+\\.[0-9]+\".*"), one.body());
        assertTrue(all.body().matches(".*\"rate\":\"[0-9]+\\.[0-9]+\".*") && !all.body().matches(".*\"rate\":[0-9].*"), all.body());
        HttpResponse<String> unknown = get(rates + "/EUR/XXX");
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(unknown.body().contains("no rate for EUR/XXX"), unknown.body());
        HttpResponse<String> malformed = get(rates + "/EURO/USD");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("\"field\":\"base\""), malformed.body());
    }

    @Test
    void whatTheFrameworkRefusesIsAProblemBodyToo() throws Exception {
        HttpResponse<String> nowhere = get(rates.toString().replace("/rates", "/nowhere"));
        assertEquals(404, nowhere.statusCode());
        assertEquals("application/problem+json", nowhere.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(nowhere.body().contains("see /q/openapi"), nowhere.body());
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(rates.toString()))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, posted.statusCode());
        assertEquals("application/problem+json", posted.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(posted.body().contains("\"status\":405"), posted.body());
    }

    @Test
    void theApiIsDocumented() throws Exception {
        HttpResponse<String> openapi = get(rates.toString().replace("/rates", "/q/openapi"));
        assertEquals(200, openapi.statusCode());
        assertTrue(openapi.body().contains("/rates/stream") && openapi.body().contains("/rates/{base}/{quote}"), openapi.body());
    }

    @Test
    void theStreamStartsWithTheLatestRatesAndAReconnectingClientResumes() throws Exception {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(rates.toString()).body().contains("EUR/BHD"));
        for (int connection = 0; connection < 2; connection++) {
            List<String> events = readEvents(12);
            assertTrue(events.stream().limit(9).map(e -> e.replaceAll(".*\"pair\":\"([A-Z/]+)\".*", "$1")).distinct().count() == 9,
                    "the first events are the latest rate of every pair: " + events);
            assertTrue(events.size() == 12, "then live quotes follow: " + events);
        }
    }

    private List<String> readEvents(int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(rates + "/stream")).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<String> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < count && (line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events.add(line.substring(5));
                }
            }
        }
        return events;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
