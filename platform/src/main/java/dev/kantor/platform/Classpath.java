package dev.kantor.platform;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The launcher's own class path, handed to the broker and tool processes it starts (they need the same Kafka jars). */
final class Classpath {

    private Classpath() {
    }

    static String launcher() {
        Path location = codeSource();
        if (Files.isRegularFile(location)) {
            Path lib = location.getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                // Started with java -jar: the manifest's class path does not show in java.class.path.
                return location + File.pathSeparator + lib.resolve("*");
            }
            // A copy of the launcher's jar among another program's libraries (a benchmark's), which has the Kafka
            // clients but not the broker: the broker and its tools run from the built launcher.
            Path built = PlatformConfig.projectRoot().resolve("platform/target");
            return built.resolve("kantor-platform.jar") + File.pathSeparator + built.resolve("lib").resolve("*");
        }
        return System.getProperty("java.class.path");
    }

    /** The launcher jar's folder (platform/target when built), where the unpacked registry distribution lives. */
    static Path distributionDir() {
        // Both platform/target/kantor-platform.jar and platform/target/classes have platform/target as parent.
        return codeSource().getParent();
    }

    private static Path codeSource() {
        try {
            return Path.of(Classpath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new PlatformException("cannot locate the launcher's own jar", e);
        }
    }
}
