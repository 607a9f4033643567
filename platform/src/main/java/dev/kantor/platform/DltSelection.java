package dev.kantor.platform;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters a `kantor dlt show|replay` means: all of them, those whose reason contains a text, or the exact
 * partition:offset positions an operator copied from `show`. Offsets that name no record are an error, so a typo
 * never silently replays nothing.
 */
public record DltSelection(Optional<String> reasonContains, Set<Position> positions) {

    /** A record's place in its dead-letter topic. */
    public record Position(int partition, long offset) {

        @Override
        public String toString() {
            return partition + ":" + offset;
        }
    }

    public DltSelection {
        positions = Set.copyOf(positions);
    }

    public static DltSelection all() {
        return new DltSelection(Optional.empty(), Set.of());
    }

    public static DltSelection reason(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("--reason needs a text to look for");
        }
        return new DltSelection(Optional.of(text), Set.of());
    }

    /** {@code 0:12,0:15}: a bad pair is an {@link IllegalArgumentException} naming it. */
    public static DltSelection offsets(String list) {
        Set<Position> positions = new LinkedHashSet<>();
        for (String pair : list.split(",")) {
            String[] parts = pair.trim().split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int partition = Integer.parseInt(parts[0].trim());
                long offset = Long.parseLong(parts[1].trim());
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException();
                }
                positions.add(new Position(partition, offset));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--offsets takes PARTITION:OFFSET pairs separated by commas, not '" + pair + "'");
            }
        }
        return new DltSelection(Optional.empty(), positions);
    }

    public boolean matches(DeadLetterRecord record) {
        if (!positions.isEmpty()) {
            return positions.contains(new Position(record.partition(), record.offset()));
        }
        return reasonContains.map(text -> record.reason().contains(text)).orElse(true);
    }

    public List<DeadLetterRecord> select(List<DeadLetterRecord> records) {
        return records.stream().filter(this::matches).toList();
    }

    /** The positions asked for that name no record of the topic. */
    public List<Position> missing(List<DeadLetterRecord> records) {
        Set<Position> present = new LinkedHashSet<>();
        records.forEach(r -> present.add(new Position(r.partition(), r.offset())));
        return positions.stream().filter(p -> !present.contains(p)).sorted(java.util.Comparator
                .comparingInt(Position::partition).thenComparingLong(Position::offset)).toList();
    }

    /** The selection as words for messages. */
    public String describe() {
        if (!positions.isEmpty()) {
            return "at " + String.join(",", positions.stream().map(Position::toString).sorted().toList());
        }
        return reasonContains.map(r -> "with a reason containing '" + r + "'").orElse("");
    }
}
