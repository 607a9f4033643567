package dev.kantor.benchmarks;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kantor.benchmarks.GatewayBenchmark.field;
import static dev.kantor.benchmarks.GatewayBenchmark.get;
import static dev.kantor.benchmarks.GatewayBenchmark.post;
import static dev.kantor.benchmarks.GatewayBenchmark.request;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;

/**
 * The front door at fixed rates (GatewayBenchmark {@code --rates}): many users, each with their SSE stream of
 * transactions open, send deposits at a paced total rate; each request's latency is from its POST to its outcome's
 * arrival on its user's stream, which is what a user of the page waits for. Requests the gateway refuses with 503
 * (over its bound on requests in flight) are counted, not measured.
 */
final class FrontDoorRates {

    private static final Pattern TRANSACTION_ID = Pattern.compile("\"transactionId\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One user: a token, an account, a stream. */
    private record User(String token, String account) {
    }

    private FrontDoorRates() {
    }

    static void run(Map<String, String> options) throws Exception {
        List<Integer> rates = Arrays.stream(options.get("rates").split(",")).map(String::trim).map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int userCount = Integer.parseInt(options.getOrDefault("users", "50"));
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        int gatewayPort = Ports.any();
        List<ServicePart> services = GatewayBenchmark.startServices(platform, endpoints, gatewayPort);
        // Outcomes by transaction id, with when they arrived; streams are read on threads of their own.
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        List<InputStream> streams = new ArrayList<>();
        try {
            for (ServicePart service : services) {
                service.awaitHealthy(Duration.ofSeconds(120));
            }
            URI base = URI.create("http://127.0.0.1:" + gatewayPort);
            List<User> users = new ArrayList<>();
            for (int i = 0; i < userCount; i++) {
                String name = "door-" + UUID.randomUUID().toString().substring(0, 8);
                String token = field(post(base, "/api/sign-in", null, "{\"user\": \"" + name + "\"}", UUID.randomUUID().toString()).body(), "token");
                String account = field(post(base, "/api/accounts", token, "{\"baseCurrency\": \"EUR\", \"displayName\": \"door\"}", UUID.randomUUID().toString()).body(),
                        "accountId");
                users.add(new User(token, account));
            }
            for (User user : users) {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!get(base, "/api/accounts", user.token()).contains("\"OPEN\"")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("an account never opened");
                    }
                    Thread.sleep(100); // polling the account list while setting up, not synchronising a test
                }
                HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/stream/transactions"))
                        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + user.token()).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (stream.statusCode() != 200) {
                    throw new IllegalStateException("the stream answered " + stream.statusCode());
                }
                streams.add(stream.body());
                Thread reader = new Thread(() -> read(stream.body(), arrived), "sse-" + streams.size());
                reader.setDaemon(true);
                reader.start();
            }
            List<String> lines = new ArrayList<>();
            lines.add(String.format("# gateway front door: POST /api/transactions to the outcome on the user's SSE stream, %s, %d cores,"
                    + " %s; %d users, %d s per rate", Instant.now(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), userCount, seconds));
            lines.add("offered_per_s\tachieved_per_s\trefused_503\taccepted_p50_ms\taccepted_p99_ms\toutcome_p50_ms\toutcome_p99_ms\toutcome_max_ms");
            // Warm-up, not measured: the JIT, the pools, every stream delivering.
            measure(base, users, 200, 3000, arrived);
            for (int rate : rates) {
                String row = measure(base, users, rate, rate * seconds, arrived);
                System.out.println(row);
                lines.add(row);
            }
            System.out.println("written to " + Results.write("gateway-rates", lines));
        } finally {
            for (InputStream stream : streams) {
                stream.close();
            }
            services.forEach(ServicePart::stop);
        }
    }

    private static String measure(URI base, List<User> users, int rate, int requests, Map<String, Long> arrived) throws Exception {
        Random random = new Random(11);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long[] accepted = new long[requests];
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>(requests);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 1_000_000) {
                LockSupport.parkNanos(wait);
            }
            User user = users.get(random.nextInt(users.size()));
            String body = "{\"accountId\": \"" + user.account() + "\", \"kind\": \"DEPOSIT\", \"amount\": \"1.00\", \"currency\": \"EUR\"}";
            int index = i;
            long sent = System.nanoTime();
            all.add(HTTP.sendAsync(request(base, "/api/transactions", user.token(), body, UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response -> {
                        accepted[index] = System.nanoTime() - sent;
                        if (response.statusCode() == 503) {
                            // Over the replica's bound on requests in flight: refused at once, counted, not retried.
                            refused.incrementAndGet();
                            return;
                        }
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
                        }
                        sentAt.put(field(response.body(), "transactionId"), sent);
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!arrived.keySet().containsAll(sentAt.keySet())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("outcomes missing on the streams");
            }
            Thread.sleep(50); // waiting for the last outcomes to arrive; every figure is taken from timestamps
        }
        long last = 0;
        long[] outcome = new long[sentAt.size()];
        int i = 0;
        for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
            long seen = arrived.get(sent.getKey());
            last = Math.max(last, seen);
            outcome[i++] = seen - sent.getValue();
        }
        Arrays.sort(accepted);
        Arrays.sort(outcome);
        int n = outcome.length;
        return String.format("%d\t%.0f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f", rate, n / ((last - start) / 1e9), refused.get(),
                accepted[requests / 2] / 1e6, accepted[(int) (requests * 0.99)] / 1e6,
                outcome[n / 2] / 1e6, outcome[(int) (n * 0.99)] / 1e6, outcome[n - 1] / 1e6);
    }

    /** Reads one SSE stream, noting when each transaction's outcome arrived (the first time: a replay is not news). */
    private static void read(InputStream body, Map<String, Long> arrived) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    long now = System.nanoTime();
                    Matcher m = TRANSACTION_ID.matcher(line);
                    if (m.find()) {
                        arrived.putIfAbsent(m.group(1), now);
                    }
                }
            }
        } catch (java.io.IOException closed) {
            // The benchmark closed the stream.
        }
    }

}
