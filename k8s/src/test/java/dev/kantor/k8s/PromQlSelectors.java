package dev.kantor.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kantor.topology.MetricCatalogue;

/**
 * The series selectors of a PromQL expression (metric name and label matchers), enough of PromQL to hold the
 * dashboard's and the alerts' queries to the metric catalogue: each selector must name the services it reads
 * (service="x" or service=~"x|y"), and each of them must expose that metric with the label values it filters on.
 */
final class PromQlSelectors {

    /** A label matcher: op is =, !=, =~ or !~. */
    record LabelMatcher(String label, String op, String value) {
    }

    /** metric{matchers}. */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern ALTERNATION = Pattern.compile("[\\w-]+(\\|[\\w-]+)*");

    private PromQlSelectors() {
    }

    static List<Selector> of(String expr) {
        String rest = GROUPING.matcher(RANGE.matcher(expr).replaceAll("")).replaceAll("");
        List<Selector> selectors = new ArrayList<>();
        Matcher matcher = SELECTOR.matcher(rest);
        while (matcher.find()) {
            String name = matcher.group(1);
            int after = matcher.end();
            while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
                after++;
            }
            boolean function = matcher.group(2) == null && after < rest.length() && rest.charAt(after) == '(';
            if (function || KEYWORDS.contains(name.toLowerCase())) {
                continue;
            }
            List<LabelMatcher> matchers = new ArrayList<>();
            if (matcher.group(3) != null) {
                Matcher label = MATCHER.matcher(matcher.group(3));
                while (label.find()) {
                    matchers.add(new LabelMatcher(label.group(1), label.group(2), label.group(3)));
                }
            }
            selectors.add(new Selector(name, matchers));
        }
        return selectors;
    }

    /** What of the expression the catalogue does not back: empty when every selector reads what its services expose. */
    static List<String> problems(String expr, Map<String, List<MetricCatalogue.Entry>> catalogue) {
        List<String> problems = new ArrayList<>();
        List<Selector> selectors = of(expr);
        if (selectors.isEmpty()) {
            problems.add("no metric in " + expr);
        }
        for (Selector selector : selectors) {
            Set<String> services = new TreeSet<>();
            for (LabelMatcher m : selector.matchers()) {
                if (m.label().equals("service") && (m.op().equals("=") || m.op().equals("=~") && ALTERNATION.matcher(m.value()).matches())) {
                    services.addAll(List.of(m.value().split("\\|")));
                }
            }
            if (services.isEmpty()) {
                problems.add(selector.metric() + ": names no service (service=\"x\" or service=~\"x|y\")");
            }
            for (String service : services) {
                List<MetricCatalogue.Entry> exposed = catalogue.getOrDefault(service, List.of()).stream()
                        .filter(e -> e.metric().equals(selector.metric())).toList();
                if (exposed.isEmpty()) {
                    problems.add(selector.metric() + ": not in the catalogue of " + service);
                    continue;
                }
                for (LabelMatcher m : selector.matchers()) {
                    if (m.label().equals("service") || m.op().startsWith("!")) {
                        continue;
                    }
                    List<String> values = m.op().equals("=") ? List.of(m.value())
                            : ALTERNATION.matcher(m.value()).matches() ? List.of(m.value().split("\\|")) : List.of();
                    for (String value : values) {
                        if (exposed.stream().noneMatch(e -> value.equals(e.labels().get(m.label())))) {
                            problems.add(selector.metric() + "{" + m.label() + "=\"" + value + "\"}: not in the catalogue of " + service);
                        }
                    }
                }
            }
        }
        return problems;
    }
}
