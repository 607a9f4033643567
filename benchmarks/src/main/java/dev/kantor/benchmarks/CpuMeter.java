package dev.kantor.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by each part of the platform (a process and its children: PostgreSQL runs a process per
 * connection) between two points of a benchmark: on a box of two cores, where the time goes decides the throughput.
 */
final class CpuMeter {

    private final Map<String, Long> pids;
    private final Map<String, Duration> start = new LinkedHashMap<>();

    /** Starts measuring the named processes (name to pid) from now on. */
    CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
        pids.forEach((name, pid) -> start.put(name, cpu(pid)));
    }

    /** "name=µs" per unit of work for each part, since the meter started, e.g. "transaction=182 postgres=61". */
    String perUnit(long units) {
        StringBuilder line = new StringBuilder();
        pids.forEach((name, pid) -> line.append(line.isEmpty() ? "" : " ").append(name).append('=')
                .append(cpu(pid).minus(start.get(name)).toNanos() / 1000 / Math.max(1, units)));
        return line.toString();
    }

    /** The process's CPU time and its children's, except children measured on their own (the benchmark starts the service). */
    private Duration cpu(long pid) {
        return ProcessHandle.of(pid).map(process -> Stream.concat(Stream.of(process),
                        process.descendants().filter(child -> !pids.containsValue(child.pid())))
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus))
                .orElse(Duration.ZERO);
    }
}
