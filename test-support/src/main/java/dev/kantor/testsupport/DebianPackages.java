package dev.kantor.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Debian packages a test needs (a browser, the Python client's libraries), installed with apt-get when missing, so
 * that a fresh machine needs nothing but the README's test command. The tests run as root on CI machines.
 */
public final class DebianPackages {

    private DebianPackages() {
    }

    /** Installs the packages unless {@code present} already says they are there, and fails if they still are not. */
    public static synchronized void ensure(BooleanSupplier present, String... packages) {
        if (present.getAsBoolean()) {
            return;
        }
        run(List.of("apt-get", "update"));
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        install.addAll(List.of(packages));
        run(install);
        if (!present.getAsBoolean()) {
            throw new IllegalStateException(String.join(", ", packages) + " could not be installed with apt-get");
        }
    }

    /** Whether a command exits 0. */
    public static boolean succeeds(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
