package dev.kantor.testsupport;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The gateway's API as a signed-in user (or nobody) uses it: the tests' only way in through the front door. */
public final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1: the JDK client's h2c upgrade refuses the Connection header Vert.x sends with a 413.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final String token;

    private GatewayClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public static GatewayClient signIn(URI base, String user) {
        GatewayClient nobody = new GatewayClient(base, null);
        return new GatewayClient(base, nobody.postRaw("/api/sign-in", "{\"user\": \"" + user + "\"}", 200).get("token").asText());
    }

    public static GatewayClient anonymous(URI base) {
        return new GatewayClient(base, null);
    }

    public static GatewayClient withToken(URI base, String token) {
        return new GatewayClient(base, token);
    }

    /** The bearer token this client sends (null for nobody), for a request the client has no method for. */
    public String token() {
        return token;
    }

    /** Opens an account and waits until the account service has opened it. */
    public String openAccount(String currency, String name) {
        String body = write(Map.of("baseCurrency", currency, "displayName", name));
        String account = send(request("/api/accounts").header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), 202).get("accountId").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (JsonNode a : get("/api/accounts", 200)) {
                if (a.get("accountId").asText().equals(account) && a.get("status").asText().equals("OPEN")) {
                    return true;
                }
            }
            return false;
        });
        return account;
    }

    public JsonNode transact(Map<String, ?> body, String idempotencyKey, int expected) {
        return send(request("/api/transactions").header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body))), expected);
    }

    /** As {@link #transact(Map, String, int)}, in the caller's trace: the W3C {@code traceparent} header sent with it. */
    public JsonNode transact(Map<String, ?> body, String idempotencyKey, String traceparent, int expected) {
        return send(request("/api/transactions").header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .header("traceparent", traceparent).POST(HttpRequest.BodyPublishers.ofString(write(body))), expected);
    }

    /**
     * What a careful client does when the gateway is away or dies mid-request: the same request with the same
     * Idempotency-Key again until it is accepted. Whatever the gateway had already stored or published, the key makes
     * it one transaction.
     */
    public JsonNode transactUntilAccepted(Map<String, ?> body, String idempotencyKey, Duration timeout) {
        java.util.concurrent.atomic.AtomicReference<JsonNode> accepted = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    accepted.set(transact(body, idempotencyKey, 202));
                    return true;
                });
        return accepted.get();
    }

    /** A POST of a JSON body with an Idempotency-Key, answered with the expected status. */
    public JsonNode post(String path, Map<String, ?> body, String idempotencyKey, int expected) {
        return send(request(path).header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body))), expected);
    }

    public JsonNode postRaw(String path, String body, int expected) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), expected);
    }

    /** A GET whose body is not JSON (an HTML page, a document). */
    public String getText(String path, int expected) {
        return body(request(path).GET(), expected);
    }

    public JsonNode get(String path, int expected) {
        return send(request(path).GET(), expected);
    }

    public SseClient stream(String name, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return new SseClient(base.resolve("/api/stream/" + name), all);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private static JsonNode send(HttpRequest.Builder request, int expected) {
        String body = body(request, expected);
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static String body(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new AssertionError(response.request().method() + " " + response.uri() + " answered " + response.statusCode()
                        + " (expected " + expected + "): " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
