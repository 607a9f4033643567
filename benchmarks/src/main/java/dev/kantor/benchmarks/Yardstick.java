package dev.kantor.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kantor.platform.PlatformConfig;

/**
 * The Kafka Streams yardstick (../shared/anchors/kstreams-baseline/bench.sh, beside the project) run at a rate in the
 * same sitting as Kantor's figures, and its RESULT line read back. Measured, never copied into the project.
 */
final class Yardstick {

    /** Its figures as it prints them: per second, milliseconds, and "name=µs ..." per request. */
    record Result(String offered, String achieved, String p50, String p99, String max, String cpu) {
    }

    private static final Pattern RESULT = Pattern.compile("offered=([\\d.]+)/s\\s+throughput=([\\d.]+)/s\\s+p50=([\\d.]+)ms\\s+p99=([\\d.]+)ms"
            + "\\s+max=([\\d.]+)ms.*cpu_us_per_req: (.*)$");

    private Yardstick() {
    }

    /**
     * @param build the checkout whose events jar the yardstick compiles against (it runs there): it was written for
     *              contract v1, so a build of d1cf973 or any commit before contracts v2 (README, "Benchmarks")
     */
    static Result run(int rate, int requests, Path build) throws IOException, InterruptedException {
        Path root = PlatformConfig.projectRoot();
        Path script = root.resolve("../shared/anchors/kstreams-baseline/bench.sh").normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no yardstick at " + script);
        }
        Path log = root.resolve("benchmarks/results/yardstick-" + rate + ".log");
        Process process = new ProcessBuilder("bash", script.toString(), Integer.toString(rate), Integer.toString(requests))
                .directory(build.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(40, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the yardstick did not finish in 40 minutes: " + log);
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = RESULT.matcher(line);
            if (line.contains("RESULT ") && m.find()) {
                return new Result(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6).strip());
            }
        }
        throw new IllegalStateException("the yardstick printed no RESULT line (exit " + process.exitValue() + "): " + log);
    }
}
