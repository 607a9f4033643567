package dev.kantor.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a consumer spent its time per batch over one measured window only: the service's own counters
 * ({@code kantor.consumer.stage}, {@code kantor.consumer.batch.size}) read before and after, so that its warm-up does
 * not blur the figures of the rate being measured.
 */
final class StageMeter {

    private static final List<String> STAGES = List.of("decode", "database", "publish", "ack");
    private static final Pattern LINE = Pattern.compile(
            "^kantor_consumer_(stage_seconds|batch_size)_(count|sum)\\{([^}]*)\\} (\\S+)$");
    private static final Pattern STAGE = Pattern.compile("stage=\"(\\w+)\"");

    private final URI metrics;
    private final String channel;
    private final Map<String, Double> before;

    StageMeter(int port, String channel) {
        this.metrics = URI.create("http://127.0.0.1:" + port + "/q/metrics");
        this.channel = channel;
        this.before = read();
    }

    /**
     * The window so far, e.g. {@code batch=4.2 decode=0.31 database=2.40 publish=1.10 ack=0.05}: requests per batch,
     * then milliseconds per batch in each stage.
     */
    String perBatch() {
        Map<String, Double> now = read();
        double batches = delta(now, "batch_size_count");
        if (batches == 0) {
            return "batch=0";
        }
        StringBuilder line = new StringBuilder(String.format("batch=%.1f", delta(now, "batch_size_sum") / batches));
        for (String stage : STAGES) {
            double count = delta(now, "stage_seconds_count:" + stage);
            line.append(String.format(" %s=%.2f", stage, count == 0 ? 0 : delta(now, "stage_seconds_sum:" + stage) * 1000 / count));
        }
        return line.toString();
    }

    private double delta(Map<String, Double> now, String key) {
        return now.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    private Map<String, Double> read() {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Double> values = new TreeMap<>();
            for (String l : body.lines().toList()) {
                Matcher m = LINE.matcher(l);
                if (!m.matches() || !m.group(3).contains("channel=\"" + channel + "\"")) {
                    continue;
                }
                Matcher stage = STAGE.matcher(m.group(3));
                String key = m.group(1) + "_" + m.group(2) + (stage.find() ? ":" + stage.group(1) : "");
                values.put(key, Double.parseDouble(m.group(4)));
            }
            return values;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
