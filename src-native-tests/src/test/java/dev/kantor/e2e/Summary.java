package dev.kantor.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The summary every run prints and writes (target/e2e-summary.tsv): per scenario, what was sent and what came of it. */
final class Summary {

    /** One scenario's figures; lost and applied twice must both be 0, and the audit at its end "clean". */
    record Row(String scenario, long sent, long outcomes, long lost, long appliedTwice, double recoverySeconds, double seconds,
               String audit) {
    }

    private static final List<Row> ROWS = new ArrayList<>();

    private Summary() {
    }

    static synchronized void add(Row row) {
        ROWS.add(row);
        write();
    }

    private static void write() {
        List<String> lines = new ArrayList<>();
        lines.add("scenario\tsent\toutcomes\tlost\tapplied_twice\trecovery_s\tseconds\taudit");
        for (Row r : ROWS) {
            lines.add(String.format("%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%s", r.scenario(), r.sent(), r.outcomes(), r.lost(), r.appliedTwice(),
                    r.recoverySeconds(), r.seconds(), r.audit()));
        }
        System.out.println(String.join("\n", lines));
        try {
            Path file = Path.of("target", "e2e-summary.tsv");
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
