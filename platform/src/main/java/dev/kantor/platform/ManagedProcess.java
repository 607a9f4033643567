package dev.kantor.platform;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A child process whose output goes to its own log file, so a failure can be shown with the end of that log. */
public final class ManagedProcess {

    private static final int TAIL_LINES = 40;

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path log;
    private final Map<String, String> environment;
    private volatile Process process;

    public ManagedProcess(String name, List<String> command, Path workDir, Path log, Map<String, String> environment) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.log = log;
        this.environment = Map.copyOf(environment);
    }

    /** The java executable of the running JVM, so every part runs on the JDK the launcher was checked against. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** JVM options as an environment variable gives them (KANTOR_SERVICE_JAVA_OPTS...): split at white space, none if unset. */
    public static List<String> javaOptions(String variable) {
        return variable == null || variable.isBlank() ? List.of() : List.of(variable.trim().split("\\s+"));
    }

    public void start() {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- " + java.time.Instant.now() + " starting " + name + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new PlatformException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs to completion (a one-shot tool such as the storage formatter) and fails with its log when it fails. */
    public void runToCompletion(Duration timeout) {
        start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new PlatformException(name + " did not finish within " + timeout.toSeconds() + " s" + tail());
            }
            if (process.exitValue() != 0) {
                throw new PlatformException(name + " failed with exit code " + process.exitValue() + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while running " + name, e);
        }
    }

    public void awaitHealthy(Duration timeout, BooleanSupplier check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new PlatformException(name + " exited with code " + process.exitValue() + " before it was healthy" + tail());
            }
            if (check.getAsBoolean()) {
                return;
            }
            pause(Duration.ofMillis(250));
        }
        throw new PlatformException(name + " was not healthy within " + timeout.toSeconds() + " s" + tail());
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** SIGTERM, then SIGKILL if it has not gone after the grace period. */
    public void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** kill -9, for failure tests. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, formatted to append to an error message. */
    public String tail() {
        return tail(log);
    }

    public static String tail(Path log) {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 16_384);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            List<String> last = new ArrayList<>(List.of(lines).subList(Math.max(0, lines.length - TAIL_LINES), lines.length));
            return System.lineSeparator() + "---- last lines of " + log + System.lineSeparator()
                    + String.join(System.lineSeparator(), last);
        } catch (IOException e) {
            return " (log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        }
    }
}
