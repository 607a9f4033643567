package dev.kantor.benchmarks;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.Money;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.KafkaTestClient;

/**
 * Rebuild throughput of the wallet projection on this machine: the packaged wallet service drops its projection
 * (POST /admin/wallets/rebuild) and replays accounts, transactions and rates from the beginning; the figure is
 * records replayed per second until its consumed offsets reach the topics' end offsets.
 *
 * <p>{@code --events N} first adds N approved transactions over 1,000 users (default 100,000), so that the
 * topics hold at least that much whatever ran before.
 */
public final class WalletBenchmark {

    private static final Pattern OFFSET = Pattern.compile("\"topic\":\"([^\"]+)\",\"partition\":(\\d+),\"nextOffset\":(\\d+)");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        int events = Integer.parseInt(options.getOrDefault("events", "100000"));
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        platform.stopOwnInstance("wallet");
        int port = Ports.any();
        ServicePart service = new ServicePart("wallet", port, endpoints,
                PlatformConfig.projectRoot().resolve("benchmarks/results/wallet-" + port + ".log"), Map.of());
        OwnServices.start(service);
        try (KafkaTestClient kafka = new KafkaTestClient(endpoints)) {
            service.awaitHealthy(Duration.ofSeconds(90));
            URI base = URI.create("http://127.0.0.1:" + port);
            produce(kafka, events);
            Map<String, Long> ends = kafka.endOffsets("accounts", "transactions", "rates");
            long records = ends.values().stream().mapToLong(Long::longValue).sum();
            long caughtUp = until(base, ends);
            System.out.printf("caught up with %d records in %.1f s%n", records, caughtUp / 1e9);

            HttpResponse<String> rebuild = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/admin/wallets/rebuild"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (rebuild.statusCode() != 202) {
                throw new IllegalStateException("rebuild answered " + rebuild.statusCode() + ": " + rebuild.body());
            }
            long nanos = until(base, ends);
            double seconds = nanos / 1e9;
            List<String> lines = new ArrayList<>();
            lines.add(String.format("# wallet rebuild benchmark, %s, %d cores, %s", Instant.now(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
            lines.add("records_replayed\tseconds\trecords_per_s\tservice_rss_mb");
            lines.add(String.format("%d\t%.1f\t%.0f\t%d", records, seconds, records / seconds, Results.rssMb(service)));
            Results.write("wallet-rebuild", lines);
        } finally {
            service.stop();
        }
        System.exit(0);
    }

    private static void produce(KafkaTestClient kafka, int events) {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(1);
        String[] currencies = {"EUR", "USD", "GBP", "CHF"};
        for (int u = 0; u < 1000; u++) {
            kafka.sendAsync("accounts", run + "-acc-" + u, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setAccountId(run + "-acc-" + u).setRequestId(UUID.randomUUID().toString()).setUserId(run + "-user-" + u)
                    .setBaseCurrency(currencies[u % 4]).setDisplayName("bench").setOpenedAt(now()).build());
        }
        for (int i = 0; i < events; i++) {
            int u = random.nextInt(1000);
            Money money = Amounts.money(BigDecimal.valueOf(random.nextInt(100_000) + 1, 2), currencies[random.nextInt(4)]);
            kafka.sendAsync("transactions", run + "-acc-" + u, TransactionApproved.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setRequestEventId(UUID.randomUUID().toString()).setTransactionId(UUID.randomUUID().toString())
                    .setAccountId(run + "-acc-" + u).setUserId(run + "-user-" + u).setKind(TransactionKind.DEPOSIT)
                    .setCredited(money).setBalancesAfter(List.of()).setApprovedAt(now()).build());
        }
        kafka.flush();
    }

    /** Nanoseconds until the projection's consumed offsets reach the given end offsets. */
    private static long until(URI base, Map<String, Long> ends) throws Exception {
        long started = System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
            String body = http.send(HttpRequest.newBuilder(base.resolve("/admin/wallets/rebuild")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Long> consumed = new java.util.HashMap<>();
            Matcher m = OFFSET.matcher(body);
            while (m.find()) {
                consumed.put(m.group(1) + "-" + m.group(2), Long.parseLong(m.group(3)));
            }
            if (ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || consumed.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return System.nanoTime() - started;
            }
            if (System.nanoTime() - started > Duration.ofMinutes(30).toNanos()) {
                throw new IllegalStateException("no catch-up in 30 minutes: " + body);
            }
            // Polling a progress endpoint, not synchronising a test: the resolution is 100 ms.
            Thread.sleep(100);
        }
    }


    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
