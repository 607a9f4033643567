package dev.kantor.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an audit found, per rule: how much it checked, how many differences, and the first of them in words an
 * operator can act on. Tests record {@link #result()} in their summaries.
 */
public final class AuditReport {

    /** One rule's outcome; {@code note} says what it could not check, if anything. */
    public record Rule(String name, long checked, long differences, List<String> first, String note) {
    }

    /** Collects one rule's checks and keeps its first differences. */
    static final class Findings {
        private final String name;
        private final int limit;
        private final List<String> first = new ArrayList<>();
        private long checked;
        private long differences;
        private String note = "";

        Findings(String name, int limit) {
            this.name = name;
            this.limit = limit;
        }

        void checked() {
            checked++;
        }

        void difference(String what) {
            differences++;
            if (first.size() < limit) {
                first.add(what);
            }
        }

        void note(String what) {
            note = note.isEmpty() ? what : note + "; " + what;
        }

        Rule rule() {
            return new Rule(name, checked, differences, List.copyOf(first), note);
        }
    }

    private final String target;
    private final String topics;
    private final List<Rule> rules;
    private final int checks;
    private final Duration took;
    private final Duration settle;

    AuditReport(String target, String topics, List<Rule> rules, int checks, Duration took, Duration settle) {
        this.target = target;
        this.topics = topics;
        this.rules = List.copyOf(rules);
        this.checks = checks;
        this.took = took;
        this.settle = settle;
    }

    public List<Rule> rules() {
        return rules;
    }

    public long differences() {
        return rules.stream().mapToLong(Rule::differences).sum();
    }

    public boolean clean() {
        return differences() == 0;
    }

    /** "clean", or the number of differences: one word for a summary table. */
    public String result() {
        return clean() ? "clean" : Long.toString(differences());
    }

    /** The report as printed: the target, the counts per rule, the first differences, the verdict. */
    public String text() {
        StringBuilder out = new StringBuilder("Kantor audit of ").append(target).append('\n').append(topics).append('\n');
        out.append(String.format("%-52s %12s %12s%n", "rule", "checked", "differences"));
        for (Rule rule : rules) {
            out.append(String.format("%-52s %,12d %,12d%s%n", rule.name(), rule.checked(), rule.differences(),
                    rule.note().isEmpty() ? "" : "   (" + rule.note() + ")"));
        }
        for (Rule rule : rules) {
            if (rule.differences() > 0) {
                out.append(rule.name()).append(": the first ").append(rule.first().size()).append(" of ")
                        .append(rule.differences()).append('\n');
                rule.first().forEach(line -> out.append("  ").append(line).append('\n'));
            }
        }
        String after = String.format(" after %d check%s in %.1f s", checks, checks == 1 ? "" : "s", took.toMillis() / 1e3);
        out.append(clean() ? "clean" + after
                : differences() + " difference" + (differences() == 1 ? "" : "s") + after + " (settle " + settle.toSeconds() + " s)");
        return out.append('\n').toString();
    }

    /** The same findings, stamped with how many checks and how long it took to reach them. */
    AuditReport after(int checkCount, Duration elapsed) {
        return new AuditReport(target, topics, rules, checkCount, elapsed, settle);
    }
}
