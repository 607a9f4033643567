package dev.kantor.topology;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout this code runs from, for the tools that read a service's sources (the event map, the manifests). */
public final class ProjectRoot {

    private ProjectRoot() {
    }

    /** The system property kantor.project.root, else the nearest folder up from here holding the Maven wrapper and avro-idl. */
    public static Path find() {
        String configured = System.getProperty("kantor.project.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.exists(candidate.resolve("mvnw")) && Files.isDirectory(candidate.resolve("avro-idl"))) {
                return candidate;
            }
        }
        return dir;
    }
}
