package dev.kantor.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;

/**
 * Response times of the gateway's transaction request endpoint (POST /api/transactions: validate, check ownership,
 * store with the idempotency key, publish with acks=all, answer 202) under load, against the packaged gateway,
 * account and transaction services. {@code --requests N} (default 5,000) with {@code --concurrency C} (default 16)
 * requests in flight.
 *
 * <p>{@code --rates 200,1000} measures instead what a user waits for, at each offered rate in turn: from sending
 * {@code POST /api/transactions} to the outcome arriving on that user's SSE stream ({@code /api/stream/transactions}),
 * with {@code --users} (50) users each holding a stream, for {@code --seconds} (20) per rate after a warm-up; it
 * writes gateway-rates-*.tsv (offered, achieved, the 202's p50/p99, the outcome's p50/p99/max).
 */
public final class GatewayBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        if (options.containsKey("rates")) {
            FrontDoorRates.run(options);
            System.exit(0);
        }
        int requests = Integer.parseInt(options.getOrDefault("requests", "5000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        int gatewayPort = Ports.any();
        List<ServicePart> services = startServices(platform, endpoints, gatewayPort);
        try {
            for (ServicePart service : services) {
                service.awaitHealthy(Duration.ofSeconds(120));
            }
            URI base = URI.create("http://127.0.0.1:" + gatewayPort);
            String user = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            String token = field(post(base, "/api/sign-in", null, "{\"user\": \"" + user + "\"}", UUID.randomUUID().toString()).body(), "token");
            String account = field(post(base, "/api/accounts", token, "{\"baseCurrency\": \"EUR\", \"displayName\": \"bench\"}",
                    UUID.randomUUID().toString()).body(), "accountId");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!get(base, "/api/accounts", token).contains("\"OPEN\"")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the account never opened");
                }
                Thread.sleep(200); // polling the account list, not synchronising a test
            }
            String body = "{\"accountId\": \"" + account + "\", \"kind\": \"DEPOSIT\", \"amount\": \"1.00\", \"currency\": \"EUR\"}";
            // Warm-up: the JIT and the connection pools, not measured.
            run(base, token, body, Math.min(1000, requests), concurrency);
            long started = System.nanoTime();
            long[] latencies = run(base, token, body, requests, concurrency);
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(latencies);
            List<String> lines = new ArrayList<>();
            lines.add(String.format("# gateway POST /api/transactions benchmark, %s, %d cores, %s", Instant.now(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
            lines.add("requests\tconcurrency\tper_s\tp50_ms\tp99_ms\tmax_ms");
            lines.add(String.format("%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f", requests, concurrency, requests / seconds,
                    latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6, latencies[latencies.length - 1] / 1e6));
            Results.write("gateway", lines);
        } finally {
            services.forEach(ServicePart::stop);
        }
        System.exit(0);
    }

    /** The packaged account, transaction and gateway services, in place of the platform's own (demo users allowed). */
    static List<ServicePart> startServices(LocalPlatform platform, Endpoints endpoints, int gatewayPort) {
        List<ServicePart> services = new ArrayList<>();
        for (String name : List.of("account", "transaction", "gateway")) {
            platform.stopOwnInstance(name);
            ServicePart service = new ServicePart(name, name.equals("gateway") ? gatewayPort : Ports.any(), endpoints,
                    PlatformConfig.projectRoot().resolve("benchmarks/results/gateway-bench-" + name + ".log"),
                    Map.of("kantor.gateway.demo-users", "*"));
            services.add(OwnServices.start(service));
        }
        return services;
    }

    private static long[] run(URI base, String token, String body, int requests, int concurrency) throws Exception {
        long[] latencies = new long[requests];
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            int index = i;
            long sent = System.nanoTime();
            all.add(HTTP.sendAsync(request(base, "/api/transactions", token, body, UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response -> {
                        latencies[index] = System.nanoTime() - sent;
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
                        }
                    }).whenComplete((ok, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return latencies;
    }

    static HttpRequest request(URI base, String path, String token, String body, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body));
        return token == null ? builder.build() : builder.header("Authorization", "Bearer " + token).build();
    }

    static HttpResponse<String> post(URI base, String path, String token, String body, String key) throws Exception {
        return HTTP.send(request(base, path, token, body, key), HttpResponse.BodyHandlers.ofString());
    }

    static String get(URI base, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }
}
