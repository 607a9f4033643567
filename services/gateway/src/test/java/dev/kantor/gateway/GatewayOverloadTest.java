package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KantorPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A replica over its bound on requests in flight refuses the excess at once with 503, Retry-After and a problem body,
 * instead of holding them until its heap runs out (1,000 requests/s did that); the bound given back, it accepts again.
 * Here the bound is one request, and twenty openings arrive together.
 */
@QuarkusTest
@TestProfile(GatewayOverloadTest.OneInFlight.class)
@QuarkusTestResource(KantorPlatformResource.class)
class GatewayOverloadTest {

    /** The gateway with room for one writing request at a time. */
    public static class OneInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kantor.gateway.max-requests-in-flight", "1");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Test
    void requestsOverTheBoundAreRefusedWith503AndTheBoundIsGivenBack() throws Exception {
        GatewayClient user = GatewayClient.signIn(base, "overload-" + UUID.randomUUID().toString().substring(0, 8));
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(HTTP.sendAsync(HttpRequest.newBuilder(base.resolve("/api/accounts"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + user.token())
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"baseCurrency\": \"EUR\", \"displayName\": \"rush " + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int accepted = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            if (response.statusCode() == 202) {
                accepted++;
                continue;
            }
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(response.body());
            assertEquals(503, problem.get("status").asInt());
            assertTrue(problem.get("detail").asText().contains("retry"), problem.toString());
            refused++;
        }
        assertTrue(accepted >= 1, "the first of them got the one place");
        assertTrue(refused >= 1, "twenty at once, one place: some were refused (" + accepted + " accepted)");
        // Every place was given back: one more, alone, is accepted.
        user.post("/api/accounts", Map.of("baseCurrency", "EUR", "displayName", "after the rush"), UUID.randomUUID().toString(), 202);
    }
}
