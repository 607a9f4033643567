package dev.kantor.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local platform keeps its data and which ports it binds, from environment variables
 * (KANTOR_HOME, KANTOR_KAFKA_PORT, ...) with defaults that need no configuration at all.
 */
public record PlatformConfig(
        Path home,
        int brokers,
        int kafkaPort,
        int registryPort,
        int postgresPort,
        int controlPort,
        Optional<ExternalPostgres> externalPostgres,
        boolean kafkaSecured) {

    /** How long one part may take to become healthy. */
    public static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(120);

    /** An already running PostgreSQL server to use instead of the embedded one. */
    public record ExternalPostgres(String host, int port, String user, String password) {
    }

    public static PlatformConfig fromEnvironment(int brokers) {
        return from(System.getenv(), brokers);
    }

    /** The configuration a set of KANTOR_* variables describes (a test can describe a second platform beside the first). */
    public static PlatformConfig from(Map<String, String> env, int brokers) {
        if (brokers != 1 && brokers != 3) {
            throw new PlatformException("--brokers must be 1 or 3, was " + brokers);
        }
        Path home = Optional.ofNullable(env.get("KANTOR_HOME")).map(Path::of)
                .orElseGet(() -> projectRoot().resolve(".kantor"));
        Optional<ExternalPostgres> external = Optional.ofNullable(env.get("KANTOR_POSTGRES_HOST"))
                .map(host -> new ExternalPostgres(host,
                        intOf(env, "KANTOR_POSTGRES_PORT", 5432),
                        env.getOrDefault("KANTOR_POSTGRES_USER", "postgres"),
                        env.getOrDefault("KANTOR_POSTGRES_PASSWORD", "")));
        return new PlatformConfig(home.toAbsolutePath().normalize(), brokers,
                intOf(env, "KANTOR_KAFKA_PORT", 9092),
                intOf(env, "KANTOR_REGISTRY_PORT", 8081),
                intOf(env, "KANTOR_POSTGRES_PORT", 5433),
                intOf(env, "KANTOR_CONTROL_PORT", 9990),
                external,
                Boolean.parseBoolean(env.getOrDefault("KANTOR_KAFKA_SECURE", "false")));
    }

    /** The checkout the launcher belongs to ({@link dev.kantor.topology.ProjectRoot}). */
    public static Path projectRoot() {
        return dev.kantor.topology.ProjectRoot.find();
    }

    /** The same platform with SASL/SCRAM and ACLs on the broker (./kantor up --secure). */
    public PlatformConfig secured() {
        return new PlatformConfig(home, brokers, kafkaPort, registryPort, postgresPort, controlPort, externalPostgres, true);
    }

    public Path stateFile() {
        return home.resolve("platform.json");
    }

    public Path logs() {
        return home.resolve("logs");
    }

    private static int intOf(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PlatformException(key + " must be a port number, was '" + value + "'");
        }
    }
}
