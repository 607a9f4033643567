package dev.kantor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The running platform's endpoints in KANTOR_HOME/platform.json: written when all parts are healthy, removed on stop. */
public final class StateFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StateFile() {
    }

    public static Optional<Endpoints> read(PlatformConfig config) {
        Path file = config.stateFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Endpoints.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void write(PlatformConfig config, Endpoints endpoints) {
        try {
            Path tmp = config.stateFile().resolveSibling("platform.json.tmp");
            JSON.writeValue(tmp.toFile(), endpoints);
            Files.move(tmp, config.stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PlatformException("cannot write " + config.stateFile() + ": " + e.getMessage(), e);
        }
    }

    static void delete(PlatformConfig config) {
        try {
            Files.deleteIfExists(config.stateFile());
        } catch (IOException ignored) {
            // A stale state file is detected by its dead supervisor pid.
        }
    }
}
