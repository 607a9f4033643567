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
        boolean kafkaSecured,
        Optional<Fleet> fleet) {

    /** How long one part may take to become healthy. */
    public static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(120);

    /**
     * The reefer fleet beside the exchange (./kantor up --fleet): one vessel with its own cluster of {@code brokers}
     * (1, or 3 with RF 3 and min ISR 2), its brokers from {@code port} (KANTOR_VESSEL_PORT, 9292) and its link's
     * proxies from {@code port + 100}, and {@code containers} simulated reefers reporting every {@code intervalSeconds}.
     */
    public record Fleet(int brokers, int port, int containers, int intervalSeconds) {

        public Fleet {
            if (brokers != 1 && brokers != 3) {
                throw new PlatformException("--vessel-brokers must be 1 or 3, was " + brokers);
            }
            if (containers < 1 || intervalSeconds < 1) {
                throw new PlatformException("a fleet needs at least one container reporting at least every second");
            }
        }

        /** The first port of the link proxies, one per vessel broker. */
        public int linkPort() {
            return port + 100;
        }
    }

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
                Boolean.parseBoolean(env.getOrDefault("KANTOR_KAFKA_SECURE", "false")),
                Optional.empty());
    }

    /** The checkout the launcher belongs to ({@link dev.kantor.topology.ProjectRoot}). */
    public static Path projectRoot() {
        return dev.kantor.topology.ProjectRoot.find();
    }

    /** The same platform with SASL/SCRAM and ACLs on the broker (./kantor up --secure). */
    public PlatformConfig secured() {
        return new PlatformConfig(home, brokers, kafkaPort, registryPort, postgresPort, controlPort, externalPostgres, true, fleet);
    }

    /**
     * The same platform with the reefer fleet (./kantor up --fleet); KANTOR_VESSEL_PORT moves the vessel's ports.
     */
    public PlatformConfig withFleet(int vesselBrokers, int containers, int intervalSeconds) {
        return withFleet(vesselBrokers, intOf(System.getenv(), "KANTOR_VESSEL_PORT", 9292), containers, intervalSeconds);
    }

    public PlatformConfig withFleet(int vesselBrokers, int vesselPort, int containers, int intervalSeconds) {
        return new PlatformConfig(home, brokers, kafkaPort, registryPort, postgresPort, controlPort, externalPostgres, kafkaSecured,
                Optional.of(new Fleet(vesselBrokers, vesselPort, containers, intervalSeconds)));
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
