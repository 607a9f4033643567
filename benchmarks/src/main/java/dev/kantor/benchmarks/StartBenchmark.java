package dev.kantor.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.kantor.platform.PlatformConfig;

/**
 * The first user after a start: {@code ./kantor down}, {@code ./kantor up --detach}, then through the gateway the
 * first account opened (until GET /api/accounts shows it OPEN) and the first deposit decided (until GET
 * /api/transactions/ID shows it APPROVED), then a second pair for comparison, per round. Usage: {@code benchmarks/run
 * start [--rounds 2]}. It stops a running platform; the last round's stays up.
 */
public final class StartBenchmark {

    private StartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        Path root = PlatformConfig.projectRoot();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("# the first account and deposit after ./kantor up, %s, %d cores, %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        lines.add("round\tup_s\tfirst_account_ms\tfirst_deposit_ms\tsecond_account_ms\tsecond_deposit_ms");
        for (int round = 1; round <= rounds; round++) {
            kantor(root, "down");
            long started = System.nanoTime();
            kantor(root, "up", "--detach");
            double up = (System.nanoTime() - started) / 1e9;
            URI base = URI.create("http://127.0.0.1:8080");
            String token = GatewayBenchmark.field(GatewayBenchmark.post(base, "/api/sign-in", null, "{\"user\": \"alice\"}",
                    UUID.randomUUID().toString()).body(), "token");
            long[] first = accountAndDeposit(base, token);
            long[] second = accountAndDeposit(base, token);
            lines.add(String.format("%d\t%.1f\t%d\t%d\t%d\t%d", round, up, first[0], first[1], second[0], second[1]));
        }
        Results.write("start", lines);
        System.exit(0);
    }

    /** Milliseconds from the POST of an account to its OPEN, and from the POST of a deposit into it to its decision. */
    private static long[] accountAndDeposit(URI base, String token) throws Exception {
        long started = System.nanoTime();
        String account = GatewayBenchmark.field(GatewayBenchmark.post(base, "/api/accounts", token,
                "{\"baseCurrency\": \"EUR\", \"displayName\": \"start benchmark\"}", UUID.randomUUID().toString()).body(), "accountId");
        poll(() -> GatewayBenchmark.get(base, "/api/accounts", token),
                body -> body.matches("(?s).*\"accountId\":\"" + account + "\"[^}]*\"status\":\"OPEN\".*"));
        long opened = System.nanoTime();
        String transaction = GatewayBenchmark.field(GatewayBenchmark.post(base, "/api/transactions", token, "{\"accountId\": \""
                + account + "\", \"kind\": \"DEPOSIT\", \"amount\": \"10.00\", \"currency\": \"EUR\"}", UUID.randomUUID().toString()).body(),
                "transactionId");
        String decided = poll(() -> GatewayBenchmark.get(base, "/api/transactions/" + transaction, token),
                body -> body.contains("\"APPROVED\"") || body.contains("\"REJECTED\""));
        if (!decided.contains("\"APPROVED\"")) {
            throw new IllegalStateException("the deposit was not approved: " + decided);
        }
        return new long[] {(opened - started) / 1_000_000, (System.nanoTime() - opened) / 1_000_000};
    }

    private interface Read {
        String get() throws Exception;
    }

    private static String poll(Read read, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            String body = read.get();
            if (done.test(body)) {
                return body;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 2 minutes: " + body);
            }
            Thread.sleep(5); // polling the API as a client would; the figure is the time until it shows the state
        }
    }

    private static void kantor(Path root, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("kantor").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("benchmarks/results/start-launcher.log").toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: see benchmarks/results/start-launcher.log");
        }
    }
}
