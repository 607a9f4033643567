package dev.kantor.rate.feed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.kantor.rate.domain.Quote;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Replays a recorded file in order, keeping its rhythm (scaled by a speed factor). Each line is
 * {@code millis-since-start,PAIR,rate}; blank lines and lines starting with # are skipped. The replay ends with the
 * file, after which the feed goes stale.
 */
public final class ReplayFeed implements RateFeed {

    /** One line of the recording. */
    record Line(long offsetMillis, String pair, BigDecimal rate) {
    }

    private final List<Line> lines;
    private final double speed;
    private final Clock clock;

    public ReplayFeed(List<String> recording, double speed, Clock clock) {
        this.lines = parse(recording);
        this.speed = speed;
        this.clock = clock;
    }

    /** Reads a file path, or a class-path resource of that name. */
    public static List<String> read(String file) {
        try {
            Path path = Path.of(file);
            if (Files.isRegularFile(path)) {
                return Files.readAllLines(path, StandardCharsets.UTF_8);
            }
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalArgumentException("no recording at " + file + " (neither a file nor a class-path resource)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Line> parse(List<String> recording) {
        List<Line> parsed = new ArrayList<>();
        int number = 0;
        for (String raw : recording) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(",");
            if (fields.length != 3) {
                throw new IllegalArgumentException("line " + number + ": expected millis,PAIR,rate but was " + line);
            }
            parsed.add(new Line(Long.parseLong(fields[0].strip()), fields[1].strip(), new BigDecimal(fields[2].strip())));
        }
        return parsed;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public Multi<Quote> quotes() {
        long[] previous = {0};
        return Multi.createFrom().iterable(lines).onItem().transformToUniAndConcatenate(line -> {
            long wait = Math.max(0, (long) ((line.offsetMillis() - previous[0]) / speed));
            previous[0] = line.offsetMillis();
            Uni<Quote> quote = Uni.createFrom().item(() -> new Quote(line.pair(), line.rate(), clock.instant(), name()));
            return wait == 0 ? quote : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(wait)).chain(() -> quote);
        });
    }
}
