package dev.kantor.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The money path walked once by the launcher before it calls the platform ready, so that the first user's first
 * account and deposit do not pay for every service's cold start: code never run before (JIT, class loading, the
 * first statement on each pool, the first schema lookup, the first send on each producer) took half a second per
 * service on their way, 1.7 s for the first account and 0.9 s for the first deposit after ./kantor up. The journey
 * is a user's own: the demo user kantor-warmup opens an EUR account (one per start, so that opening is warmed too),
 * deposits 1.00 and withdraws it again, through the gateway like anyone else, so its balances stay zero and the audit
 * has nothing to say about it.
 */
final class WarmUpJourney {

    /** The demo user of the journey (kantor.gateway.demo-users lists it). */
    static final String USER = "kantor-warmup";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    WarmUpJourney(URI gateway) {
        this.gateway = gateway;
    }

    /** Walks the journey; answers what it did, or throws saying which step failed. */
    String run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        token = call("POST", "/api/sign-in", "{\"user\": \"" + USER + "\"}", 200).get("token").asText();
        String account = openAccount();
        String deposit = transact(account, "DEPOSIT");
        String withdrawal = transact(account, "WITHDRAWAL");
        return String.format("account %s, deposit %s and withdrawal %s of user %s in %.1f s", account, deposit, withdrawal,
                USER, (System.nanoTime() - started) / 1e9);
    }

    private String openAccount() throws IOException, InterruptedException {
        String id = call("POST", "/api/accounts", "{\"baseCurrency\": \"EUR\", \"displayName\": \"warm-up\"}", 202)
                .get("accountId").asText();
        await("account " + id + " open", () -> {
            for (JsonNode account : accounts()) {
                if (account.path("accountId").asText().equals(id)) {
                    return account.path("status").asText();
                }
            }
            return "";
        }, "OPEN"::equals);
        return id;
    }

    private JsonNode accounts() throws IOException, InterruptedException {
        JsonNode answer = call("GET", "/api/accounts", null, 200);
        return answer.isArray() ? answer : answer.path("items");
    }

    private String transact(String account, String kind) throws IOException, InterruptedException {
        String id = call("POST", "/api/transactions", "{\"accountId\": \"" + account + "\", \"kind\": \"" + kind
                + "\", \"amount\": \"1.00\", \"currency\": \"EUR\"}", 202).get("transactionId").asText();
        String status = await(kind.toLowerCase() + " " + id + " decided",
                () -> call("GET", "/api/transactions/" + id, null, 200).path("status").asText(),
                s -> s.equals("APPROVED") || s.equals("REJECTED"));
        if (!status.equals("APPROVED")) {
            throw new IOException(kind.toLowerCase() + " " + id + " was " + status);
        }
        return "approved";
    }

    private interface Step {
        String get() throws IOException, InterruptedException;
    }

    private static String await(String what, Step step, Predicate<String> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            String value = step.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + ": not within " + STEP_TIMEOUT.toSeconds() + " s (last seen: " + value + ")");
            }
            Thread.sleep(20); // polling a REST resource for a state change; nothing to be notified by
        }
    }

    private JsonNode call(String method, String path, String body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
