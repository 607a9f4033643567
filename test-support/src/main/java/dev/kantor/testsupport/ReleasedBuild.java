package dev.kantor.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.kantor.platform.PlatformConfig;

/**
 * An earlier release of Kantor built from this repository's history, as operators still run it while they roll a new
 * one out: its launcher (schema gate and topology) and its services, packaged exactly as that commit packaged them.
 * Built once into target/releases/&lt;name&gt; (about 25 s, offline: the parent build has fetched every dependency).
 */
public final class ReleasedBuild {

    /**
     * The last commit before contracts v2 (firm quotes): its schema gate registers v1 of every event in Java form
     * ("avro.java.string"), its gateway writes v1 requests, its transaction service reads and writes v1.
     */
    public static final ReleasedBuild CONTRACTS_V1 = new ReleasedBuild("contracts-v1", "d1cf973db8525960def5d6336102ad0086843980");

    private final String name;
    private final String commit;

    public ReleasedBuild(String name, String commit) {
        this.name = name;
        this.commit = commit;
    }

    /** The release's checkout, its launcher and the given services packaged (built now unless they already are). */
    public synchronized Path build(String... services) {
        Path root = PlatformConfig.projectRoot();
        Path tree = root.resolve("target/releases").resolve(name);
        List<String> modules = new ArrayList<>(List.of("platform"));
        for (String service : services) {
            modules.add("services/" + service);
        }
        if (modules.stream().allMatch(m -> Files.isRegularFile(tree.resolve(m.equals("platform")
                ? "platform/target/kantor-platform.jar" : m + "/target/quarkus-app/quarkus-run.jar")))) {
            return tree;
        }
        try {
            if (!Files.isDirectory(tree.resolve("services"))) {
                Files.createDirectories(tree);
                // The commit's files only (no .git): a shallow clone of this repository cannot give them, and says so.
                run(root, "git archive " + commit + " | tar -x -C '" + tree + "'", "the release " + name + " (" + commit
                        + ") is not in this clone's history; clone without --depth");
            }
            run(tree, "./mvnw -B -q -o package -DskipTests -pl " + String.join(",", modules) + " -am", "the release " + name
                    + " did not build");
        } catch (IOException e) {
            throw new IllegalStateException("could not build the release " + name, e);
        }
        return tree;
    }

    private static void run(Path directory, String command, String failure) throws IOException {
        Path log = Files.createTempFile("release-build", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -o pipefail; " + command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The JDK the tests run on builds the release too (the README's test command chose it).
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(failure + " (" + command + "):\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
