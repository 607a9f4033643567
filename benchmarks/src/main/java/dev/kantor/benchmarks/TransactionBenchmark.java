package dev.kantor.benchmarks;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.topology.Services;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;

/**
 * End-to-end throughput and latency of the transaction service on this machine: requests produced to
 * transaction-requests, outcomes consumed from transactions / transactions-rejected, against the packaged service
 * with all its guarantees on (one DB transaction per batch, acks=all, acks after publish).
 *
 * <p>For each batch size, a fresh service instance in its own consumer group (committed at the end of the topic)
 * is warmed up with {@code --warm-up} requests (default 150,000), then gets {@code --requests} deposits and withdrawals
 * over 1,000 accounts, offered as fast as possible (throughput) or
 * at {@code --rate} per second (latency). Latency is from the producer's send to the outcome's arrival.
 *
 * <p>{@code --rates 500,2000,8000} (0 = a flood) measures each rate in turn, {@code --seconds} (20) of requests each
 * after its warm-up, at {@code --batch-size} (500), and writes the table and a plot of p50/p99 against the offered
 * rate (transaction-rates-*.tsv and .png); {@code --yardstick true} runs the Kafka Streams yardstick
 * (../shared/anchors/kstreams-baseline/bench.sh) at the same rates in the same sitting and puts it beside; it compiles
 * against contract v1, so {@code --yardstick-build DIR} names a build of d1cf973 (README, "Benchmarks").
 */
public final class TransactionBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Results.options(args);
        ClientLogs.quiet();
        int requests = Integer.parseInt(options.getOrDefault("requests", "50000"));
        int accounts = Integer.parseInt(options.getOrDefault("accounts", "1000"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "0"));
        // The service's own setting (mp.messaging.incoming.transaction-requests.concurrency) unless --concurrency is given.
        String concurrency = options.getOrDefault("concurrency", "default");
        int warmUp = Integer.parseInt(options.getOrDefault("warm-up", "150000"));
        List<Integer> batchSizes = Arrays.stream(options.getOrDefault("batch-sizes", "1,500").split(","))
                .map(String::trim).map(Integer::parseInt).toList();

        if (options.containsKey("plot")) {
            replot(java.nio.file.Path.of(options.get("plot")));
            return;
        }
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        platform.stopOwnInstance("transaction");
        if (options.containsKey("rates")) {
            sweep(endpoints, options, accounts, concurrency, warmUp);
            System.exit(0);
        }

        List<String> lines = new ArrayList<>();
        lines.add(String.format("# transaction service benchmark, %s, %d cores, %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        lines.add("batch_size\tconcurrency\trequests\toffered_per_s\tthroughput_per_s\tp50_ms\tp99_ms\tmax_ms\tseconds\tcpu_us_per_request"
                + "\tstages_ms_per_batch");
        for (int batchSize : batchSizes) {
            int count = batchSize == 1 ? Math.min(requests, Integer.parseInt(options.getOrDefault("requests-batch-1", "5000"))) : requests;
            lines.add(run(endpoints, batchSize, count, accounts, rate, concurrency, batchSize == 1 ? Math.min(warmUp, count) : warmUp));
            System.out.println(lines.get(lines.size() - 1));
        }
        Results.write("transaction", lines);
        System.exit(0);
    }

    private static String run(Endpoints endpoints, int batchSize, int requests, int accountCount, int rate, String concurrency,
            int warmUpRequests) throws Exception {
        return run(endpoints, batchSize, requests, accountCount, rate, concurrency, warmUpRequests, 0);
    }

    private static String run(Endpoints endpoints, int batchSize, int requests, int accountCount, int rate, String concurrency,
            int warmUpRequests, int pacedWarmUpSeconds) throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        int port = Ports.any();
        // The new group starts at the end of transaction-requests, committed before any of its consumers exists.
        try (KafkaTestClient admin = new KafkaTestClient(endpoints)) {
            admin.startGroupAtEnd(run, "transaction-requests");
        }
        Map<String, String> properties = new HashMap<>(Map.of("kantor.transaction.batch-size", Integer.toString(batchSize),
                "mp.messaging.incoming.transaction-requests.group.id", run));
        if (!concurrency.equals("default")) {
            properties.put("mp.messaging.incoming.transaction-requests.concurrency", concurrency);
        }
        ServicePart service = new ServicePart("transaction", port, endpoints,
                PlatformConfig.projectRoot().resolve("benchmarks/results/" + run + ".log"), properties);
        OwnServices.start(service);
        service.awaitHealthy(Duration.ofSeconds(90));
        try (KafkaTestClient kafka = new KafkaTestClient(endpoints); OutcomeCollector outcomes = new OutcomeCollector(endpoints)) {
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < accountCount; i++) {
                String account = run + "-" + i;
                accounts.add(account);
                kafka.sendAsync("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setRequestId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                        .setBaseCurrency("EUR").setDisplayName("benchmark").setOpenedAt(now()).build());
            }
            kafka.flush();
            // Warm-up, not measured: a deposit per account, then --warm-up random requests, until each has an outcome
            // (the partitions are assigned, the views have the accounts, the JIT has compiled the hot path: after 20,000
            // requests of warm-up the compiler threads still took half the service's CPU in the measured run, and the
            // service cost 129 µs of CPU per request; after 150,000, 60 µs).
            Random random = new Random(7);
            List<String> warmUp = new ArrayList<>();
            for (int i = 0; i < accounts.size() + warmUpRequests; i++) {
                String account = i < accounts.size() ? accounts.get(i) : accounts.get(random.nextInt(accounts.size()));
                TransactionRequested request = request(account, TransactionKind.DEPOSIT, i < accounts.size() ? "1000.00" : "1.00");
                warmUp.add(request.getTransactionId());
                kafka.sendAsync("transaction-requests", account, request);
            }
            kafka.flush();
            outcomes.awaitAll(new java.util.HashSet<>(warmUp), Duration.ofMinutes(5));
            outcomes.forget(warmUp);
            if (rate > 0 && pacedWarmUpSeconds > 0) {
                // Then the measured rate itself, not measured: a flood compiles the code for batches of hundreds, and
                // small batches at a steady rate take other branches, so the JIT deoptimised and recompiled through the
                // measured window (the C2 threads took 35-40% of a core for the first 30 s at 500/s, 13% after a minute).
                List<Encoded> paced = encode(kafka, accounts, random, rate * pacedWarmUpSeconds);
                Set<String> pacedIds = offer(kafka, paced, rate).keySet();
                outcomes.awaitAll(pacedIds, Duration.ofMinutes(5));
                outcomes.forget(pacedIds);
            }
            long warmRecords = outcomes.transactions();

            // The measured requests are built and encoded before the clock starts: a client elsewhere would cost this
            // box nothing, and here the generator shares the two cores with everything it measures.
            List<Encoded> load = encode(kafka, accounts, random, requests);
            Map<String, Long> pids = new java.util.LinkedHashMap<>();
            pids.put("transaction", service.pid().orElseThrow());
            endpoints.parts().stream().filter(p -> p.pid() > 0 && !Services.PORTS.containsKey(p.name()))
                    .forEach(p -> pids.put(p.name(), p.pid()));
            pids.put("benchmark", ProcessHandle.current().pid());
            CpuMeter cpu = new CpuMeter(pids);
            StageMeter stages = new StageMeter(port, "transaction-requests");
            long wallAtStart = System.currentTimeMillis();
            long start = System.nanoTime();
            Map<String, Long> sentAt = offer(kafka, load, rate);
            double offered = requests / ((System.nanoTime() - start) / 1e9);
            outcomes.awaitAll(sentAt.keySet(), Duration.ofMinutes(30));
            long last = 0;
            long[] latencies = new long[requests];
            int i = 0;
            for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
                long seen = outcomes.outcome(sent.getKey()).firstSeenNanos;
                last = Math.max(last, seen);
                latencies[i++] = seen - sent.getValue();
            }
            String series = System.getProperty("kantor.benchmark.series");
            if (series != null) {
                // Every request's send time and latency, to see whether the slow ones come together (a pause) or alone.
                List<String> rows = new ArrayList<>(requests + 1);
                rows.add("# start " + java.time.Instant.ofEpochMilli(wallAtStart));
                rows.add("sent_ms\tlatency_ms\tto_decision_ms");
                sentAt.forEach((id, sent) -> {
                    OutcomeCollector.Outcome outcome = outcomes.outcome(id);
                    // The decision's own time (approvedAt/rejectedAt, the service's clock, this machine's) splits the
                    // latency into before and after the service decided.
                    long decidedMillis = outcome.event instanceof dev.kantor.events.TransactionApproved a ? a.getApprovedAt().toEpochMilli()
                            : ((dev.kantor.events.TransactionRejected) outcome.event).getRejectedAt().toEpochMilli();
                    double sentMillis = wallAtStart + (sent - start) / 1e6;
                    rows.add(String.format("%.1f\t%.1f\t%.1f", (sent - start) / 1e6, (outcome.firstSeenNanos - sent) / 1e6,
                            decidedMillis - sentMillis));
                });
                java.nio.file.Files.write(java.nio.file.Path.of(series + "-" + rate + ".tsv"), rows);
            }
            Arrays.sort(latencies);
            double seconds = (last - start) / 1e9;
            if (outcomes.transactions() - warmRecords < requests) {
                throw new IllegalStateException("missing outcomes");
            }
            String cpuPerRequest = cpu.perUnit(requests);
            String perBatch = stages.perBatch();
            return String.format("%d\t%d\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s", batchSize, requests, offered, requests / seconds,
                    latencies[requests / 2] / 1e6, latencies[(int) (requests * 0.99)] / 1e6, latencies[requests - 1] / 1e6, seconds,
                    cpuPerRequest, perBatch)
                    .replaceFirst("\t", "\t" + concurrency + "\t");
        } finally {
            service.stop();
        }
    }

    /** Random deposits and withdrawals over the accounts, encoded before any clock starts. */
    private static List<Encoded> encode(KafkaTestClient kafka, List<String> accounts, Random random, int requests) {
        List<Encoded> load = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            TransactionRequested request = request(account, random.nextInt(3) == 0 ? TransactionKind.WITHDRAWAL
                    : TransactionKind.DEPOSIT, BigDecimal.valueOf(1 + random.nextInt(10_000), 2).toPlainString());
            load.add(new Encoded(request.getTransactionId(), account, kafka.encode("transaction-requests", request),
                    KafkaTestClient.headersOf(request)));
        }
        return load;
    }

    /** Sends the requests at the rate (0: as fast as possible); answers when each was sent. */
    private static Map<String, Long> offer(KafkaTestClient kafka, List<Encoded> load, int rate) {
        Map<String, Long> sentAt = new HashMap<>(load.size() * 2);
        long intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
        long start = System.nanoTime();
        for (int i = 0; i < load.size(); i++) {
            if (intervalNanos > 0) {
                // Paced in ticks of a millisecond: what is due within the next one goes now. Parking before every
                // request cost the generator three times its CPU at 5,000/s, on the cores it measures.
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    LockSupport.parkNanos(wait);
                }
            }
            Encoded request = load.get(i);
            sentAt.put(request.transactionId(), System.nanoTime());
            kafka.sendAsync("transaction-requests", request.account(), request.value(), request.headers());
        }
        kafka.flush();
        return sentAt;
    }

    /** Each offered rate in turn, Kantor's figures and (optionally) the yardstick's, as a table and a plot. */
    private static void sweep(Endpoints endpoints, Map<String, String> options, int accounts, String concurrency, int warmUp) throws Exception {
        List<Integer> rates = Arrays.stream(options.get("rates").split(",")).map(String::trim).map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int flood = Integer.parseInt(options.getOrDefault("requests", "150000"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "500"));
        boolean yardstick = Boolean.parseBoolean(options.getOrDefault("yardstick", "false"));
        int pacedWarmUp = Integer.parseInt(options.getOrDefault("paced-warm-up", "60"));
        List<String> lines = new ArrayList<>();
        lines.add(String.format("# offered rates, %s, %d cores, %s; batch size %d, %d s of requests per rate after %d s at that rate",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), batchSize, seconds,
                pacedWarmUp));
        lines.add("system	rate	requests	offered_per_s	achieved_per_s	p50_ms	p99_ms	max_ms	cpu_us_per_request	stages_ms_per_batch");
        LatencyPlot plot = new LatencyPlot();
        for (int rate : rates) {
            int requests = rate == 0 ? flood : rate * seconds;
            String[] kantor = run(endpoints, batchSize, requests, accounts, rate, concurrency, warmUp, pacedWarmUp).split("\t");
            // batch, concurrency, requests, offered, throughput, p50, p99, max, seconds, cpu, stages per batch
            lines.add(String.join("\t", "kantor", rate == 0 ? "flood" : Integer.toString(rate), kantor[2], kantor[3], kantor[4], kantor[5],
                    kantor[6], kantor[7], kantor[9], kantor[10]));
            System.out.println(lines.get(lines.size() - 1));
            plot.add("Kantor", new LatencyPlot.Point(rate == 0 ? Double.parseDouble(kantor[4]) : rate, Double.parseDouble(kantor[5]),
                    Double.parseDouble(kantor[6])));
            if (yardstick) {
                Yardstick.Result result = Yardstick.run(rate, requests,
                        java.nio.file.Path.of(options.getOrDefault("yardstick-build", PlatformConfig.projectRoot().toString())));
                lines.add(String.join("\t", "yardstick", rate == 0 ? "flood" : Integer.toString(rate), Integer.toString(requests),
                        result.offered(), result.achieved(), result.p50(), result.p99(), result.max(), result.cpu(), "-"));
                System.out.println(lines.get(lines.size() - 1));
                plot.add("Streams yardstick", new LatencyPlot.Point(rate == 0 ? Double.parseDouble(result.achieved()) : rate,
                        Double.parseDouble(result.p50()), Double.parseDouble(result.p99())));
            }
        }
        java.nio.file.Path table = Results.write("transaction-rates", lines);
        plot.write(table.resolveSibling(table.getFileName().toString().replace(".tsv", ".png")),
                "Outcome latency against offered rate (solid p99, dashed p50)");
    }

    /** The plot of a table written by {@code --rates} ({@code --plot FILE.tsv}), drawn again beside it. */
    private static void replot(java.nio.file.Path table) throws java.io.IOException {
        LatencyPlot plot = new LatencyPlot();
        for (String line : java.nio.file.Files.readAllLines(table)) {
            String[] f = line.split("\t");
            if (line.startsWith("#") || f[0].equals("system")) {
                continue;
            }
            double offered = f[1].equals("flood") ? Double.parseDouble(f[4]) : Double.parseDouble(f[1]);
            plot.add(f[0].equals("kantor") ? "Kantor" : "Streams yardstick", new LatencyPlot.Point(offered, Double.parseDouble(f[5]),
                    Double.parseDouble(f[6])));
        }
        plot.write(table.resolveSibling(table.getFileName().toString().replace(".tsv", ".png")),
                "Outcome latency against offered rate (solid p99, dashed p50)");
    }

    /** A request in its wire format, ready to send. */
    private record Encoded(String transactionId, String account, byte[] value, Map<String, String> headers) {
    }

    private static TransactionRequested request(String account, TransactionKind kind, String amount) {
        return TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                .setKind(kind).setAmount(Amounts.money(amount, "EUR"))
                .setTargetCurrency(null).setRequestedAt(now()).build();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
