package dev.kantor.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics each service exposes at /q/metrics that the dashboards and alerts of k8s/ rely on
 * (k8s/components/observability/metric-catalogue.txt): one list, held to both sides, so that neither can drift
 * silently. Each service's own test asserts its entries against its real Prometheus scrape; the k8s module's
 * ObservabilityTest asserts that every metric a panel or an alert names is an entry of the service it queries.
 */
public final class MetricCatalogue {

    /** Where the catalogue lives, from the project root. */
    public static final String PATH = "k8s/components/observability/metric-catalogue.txt";

    private static final Pattern LINE = Pattern.compile("(\\S+)\\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** A series a service exposes: its metric name, and the label values at least one of its series has. */
    public record Entry(String service, String metric, Map<String, String> labels) {

        /** Whether a series of the scrape, name and labels, is this entry's. */
        boolean matches(String name, Map<String, String> series) {
            return metric.equals(name) && labels.entrySet().stream().allMatch(l -> l.getValue().equals(series.get(l.getKey())));
        }

        @Override
        public String toString() {
            return metric + (labels.isEmpty() ? "" : labels.toString());
        }
    }

    private MetricCatalogue() {
    }

    /** The catalogue of the checkout: service name to its entries. */
    public static Map<String, List<Entry>> load() {
        return load(ProjectRoot.find().resolve(PATH));
    }

    public static Map<String, List<Entry>> load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines "service metric" or "service metric{label="value",...}"; # starts a comment. */
    public static Map<String, List<Entry>> parse(String text) {
        Map<String, List<Entry>> entries = new TreeMap<>();
        for (String raw : text.lines().toList()) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("not a catalogue line: " + raw);
            }
            Entry entry = new Entry(matcher.group(1), matcher.group(2), labels(matcher.group(4)));
            entries.computeIfAbsent(entry.service(), s -> new ArrayList<>()).add(entry);
        }
        return entries;
    }

    /** The entries of the service that no series of the Prometheus text exposition matches: empty when all are there. */
    public static List<Entry> missing(List<Entry> entries, String scrape) {
        List<Map.Entry<String, Map<String, String>>> series = new ArrayList<>();
        for (String line : scrape.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace >= 0 && (space < 0 || brace < space)) {
                series.add(Map.entry(line.substring(0, brace), labels(line.substring(brace + 1, line.lastIndexOf('}')))));
            } else {
                series.add(Map.entry(line.substring(0, space), Map.of()));
            }
        }
        return entries.stream().filter(e -> series.stream().noneMatch(s -> e.matches(s.getKey(), s.getValue()))).toList();
    }

    private static Map<String, String> labels(String inside) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (inside != null) {
            Matcher matcher = LABEL.matcher(inside);
            while (matcher.find()) {
                labels.put(matcher.group(1), matcher.group(2));
            }
        }
        return labels;
    }
}
