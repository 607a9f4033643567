package dev.kantor.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.kantor.platform.PlatformConfig;

/** What every benchmark does the same way: read {@code --name value} options, print its figures and write them to a file. */
final class Results {

    private Results() {
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    /** Prints the lines and writes them to benchmarks/results/NAME-TIMESTAMP.tsv. */
    static Path write(String name, List<String> lines) throws IOException {
        Path results = PlatformConfig.projectRoot().resolve("benchmarks/results");
        Files.createDirectories(results);
        Path file = results.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".tsv");
        Files.write(file, lines);
        System.out.println(String.join("\n", lines));
        System.out.println("written to " + file);
        return file;
    }

    /** The resident memory of a service's process, in MB (-1 when it cannot be read). */
    static long rssMb(dev.kantor.platform.ServicePart service) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + service.pid().orElseThrow() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
