package dev.kantor.platform;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How `kantor dlt show` prints one dead letter: everything an operator needs to decide on a fix or a replay. */
final class DltFormat {

    private DltFormat() {
    }

    /** @param payload the value decoded or previewed ({@link PayloadDecoder#describe}) */
    static String text(DeadLetterRecord record, Optional<ReplayLog.Entry> replayed, Function<byte[], String> payload) {
        StringBuilder text = new StringBuilder();
        text.append(record.topic()).append(' ').append(record.partition()).append(':').append(record.offset())
                .append("  dead-lettered ").append(record.timestamp()).append('\n');
        line(text, "reason", record.reason());
        record.exception().ifPresent(e -> line(text, "exception", e + record.cause().map(c -> ": " + c).orElse("")));
        line(text, "source", record.source());
        line(text, "group", record.consumerGroup());
        line(text, "key", record.keyText());
        String headers = record.originalHeaders().stream()
                .map(h -> h.key() + "=" + (h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)))
                .collect(Collectors.joining(", "));
        line(text, "headers", headers.isEmpty() ? "(none)" : headers);
        line(text, "replayed", replayed.map(ReplayLog.Entry::describe).orElse("no"));
        line(text, "payload", payload.apply(record.value()));
        return text.toString();
    }

    private static void line(StringBuilder text, String name, String value) {
        text.append(String.format("  %-10s %s%n", name + ":", value));
    }
}
