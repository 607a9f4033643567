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
            // Started with java -jar: the manifest's class path does not show in java.class.path.
            return location + File.pathSeparator + location.getParent().resolve("lib").resolve("*");
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
