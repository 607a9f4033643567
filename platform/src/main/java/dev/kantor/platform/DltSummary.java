package dev.kantor.platform;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One dead-letter topic in `kantor dlt list`: how many records, the oldest one's time, and the reasons grouped. Reasons
 * name the record's own ids and numbers ("transaction id 7f3e... was already used"), so they are grouped with those
 * masked: one line per kind of failure, not one per record.
 */
public record DltSummary(String topic, boolean exists, long count, Optional<Instant> oldest, Map<String, Long> reasons,
        long replayed) {

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final int WIDTH = 140;

    public DltSummary {
        reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    public static DltSummary absent(String topic) {
        return new DltSummary(topic, false, 0, Optional.empty(), Map.of(), 0);
    }

    /** The topic's records summed up; {@code replayed} counts those the replay log holds. */
    public static DltSummary of(String topic, List<DeadLetterRecord> records, long replayed) {
        Tally tally = new Tally(topic, Set.of());
        records.forEach(tally::add);
        return tally.summary(replayed);
    }

    /** A summary made one record at a time, keeping only counts: a dead-letter topic may be long. */
    public static final class Tally {

        private final String topic;
        private final Set<String> replayedIds;
        private final Map<String, Long> counts = new HashMap<>();
        private long count;
        private long replayed;
        private Instant oldest;

        /** @param replayedIds the dead letters the replay log holds ({@link DeadLetterRecord#id()}) */
        public Tally(String topic, Set<String> replayedIds) {
            this.topic = topic;
            this.replayedIds = replayedIds;
        }

        public void add(DeadLetterRecord record) {
            count++;
            counts.merge(group(record.reason()), 1L, Long::sum);
            if (replayedIds.contains(record.id())) {
                replayed++;
            }
            if (oldest == null || record.timestamp().isBefore(oldest)) {
                oldest = record.timestamp();
            }
        }

        public DltSummary summary() {
            return summary(replayed);
        }

        private DltSummary summary(long replayedCount) {
            Map<String, Long> sorted = new LinkedHashMap<>();
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return new DltSummary(topic, true, count, Optional.ofNullable(oldest), sorted, replayedCount);
        }
    }

    /** The reason with its ids and numbers masked: the kind of failure. */
    public static String group(String reason) {
        String masked = NUMBER.matcher(UUID.matcher(reason).replaceAll("<id>")).replaceAll("<n>");
        return masked.length() > WIDTH ? masked.substring(0, WIDTH - 3) + "..." : masked;
    }

    /** The lines of `kantor dlt list` for this topic. */
    public String text() {
        if (!exists) {
            return topic + ": absent (no such topic on this cluster)\n";
        }
        if (count == 0) {
            return topic + ": empty\n";
        }
        StringBuilder text = new StringBuilder();
        text.append(topic).append(": ").append(count).append(count == 1 ? " record" : " records")
                .append(", oldest ").append(oldest.map(Instant::toString).orElse("?"))
                .append(replayed > 0 ? ", " + replayed + " replayed" : "").append('\n');
        reasons.forEach((reason, n) -> text.append(String.format("  %6d  %s%n", n, reason)));
        return text.toString();
    }
}
