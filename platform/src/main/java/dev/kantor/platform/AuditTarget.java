package dev.kantor.platform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an audit looks and how much of it: the running local platform by default (its state file, or the ports of
 * KANTOR_* when it has none), and every endpoint overridable, so operators can point it at any environment.
 */
public record AuditTarget(
        String bootstrapServers,
        Map<String, String> kafkaSecurity,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        String registryApiV2,
        String usersPrefix,
        Duration settle,
        int limit) {

    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(30);
    static final int DEFAULT_LIMIT = 20;

    static final String USAGE = """
            usage: kantor audit [--settle SECONDS] [--limit N] [--users PREFIX]
                                [--bootstrap HOST:PORT] [--kafka-user USER --kafka-password PASSWORD]
                                [--db-url JDBC-URL] [--db-user USER] [--db-password PASSWORD] [--registry URL]
              --settle   re-check for up to this long while differences remain (requests in flight), default 30
              --limit    differences printed per rule, default 20
              --users    only the users whose id starts with PREFIX, their accounts and transactions
              endpoints default to the running platform of KANTOR_HOME (platform.json), else to the KANTOR_* ports""";

    /** The whole local platform (or any whose endpoints a test holds), all users, with the default settle time. */
    public static AuditTarget of(Endpoints endpoints) {
        return new AuditTarget(endpoints.kafkaBootstrapServers(), localSecurity(endpoints.kafkaSecured()), endpoints.jdbcUrl(), endpoints.postgresUser(),
                endpoints.postgresPassword(), endpoints.registryApiV2(), "", DEFAULT_SETTLE, DEFAULT_LIMIT);
    }

    /** The same target, narrowed to the users whose id starts with the prefix. */
    public AuditTarget users(String prefix) {
        return new AuditTarget(bootstrapServers, kafkaSecurity, jdbcUrl, dbUser, dbPassword, registryApiV2, prefix, settle, limit);
    }

    public AuditTarget settle(Duration time) {
        return new AuditTarget(bootstrapServers, kafkaSecurity, jdbcUrl, dbUser, dbPassword, registryApiV2, usersPrefix, time, limit);
    }

    /** The command line's options over the platform the environment describes; a bad option is an {@link IllegalArgumentException}. */
    static AuditTarget parse(List<String> args, PlatformConfig config) {
        Map<String, String> options = options(args);
        AuditTarget base = StateFile.read(config).map(AuditTarget::of).orElseGet(() -> fromPorts(config));
        Map<String, String> security = new HashMap<>(base.kafkaSecurity());
        if (options.containsKey("--kafka-user") != options.containsKey("--kafka-password")) {
            throw new IllegalArgumentException("--kafka-user and --kafka-password go together");
        }
        if (options.containsKey("--kafka-user")) {
            security = KafkaAcls.saslConfig(options.get("--kafka-user"), options.get("--kafka-password"));
        }
        String registry = Optional.ofNullable(options.get("--registry"))
                .map(url -> url.contains("/apis/") ? url : url.replaceAll("/+$", "") + "/apis/registry/v2")
                .orElse(base.registryApiV2());
        return new AuditTarget(options.getOrDefault("--bootstrap", base.bootstrapServers()), Map.copyOf(security),
                options.getOrDefault("--db-url", options.getOrDefault("--jdbc", base.jdbcUrl())),
                options.getOrDefault("--db-user", base.dbUser()), options.getOrDefault("--db-password", base.dbPassword()),
                registry, options.getOrDefault("--users", ""),
                Duration.ofSeconds(number(options, "--settle", DEFAULT_SETTLE.toSeconds())),
                (int) number(options, "--limit", DEFAULT_LIMIT));
    }

    /** Where a platform started with these KANTOR_* settings listens, for when it left no state file. */
    private static AuditTarget fromPorts(PlatformConfig config) {
        PlatformConfig.ExternalPostgres postgres = config.externalPostgres()
                .orElse(new PlatformConfig.ExternalPostgres("127.0.0.1", config.postgresPort(), "postgres", "postgres"));
        return new AuditTarget("127.0.0.1:" + config.kafkaPort(), localSecurity(config.kafkaSecured()),
                "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/" + PostgresPart.DATABASE,
                postgres.user(), postgres.password(), "http://127.0.0.1:" + config.registryPort() + "/apis/registry/v2",
                "", DEFAULT_SETTLE, DEFAULT_LIMIT);
    }

    /** On a secured local platform (./kantor up --secure) the audit reads as the super user, whose password is local. */
    private static Map<String, String> localSecurity(boolean secured) {
        return secured ? KafkaAcls.saslConfig("admin", KafkaAcls.LOCAL_ADMIN_PASSWORD) : Map.of();
    }

    private static final List<String> KNOWN = List.of("--settle", "--limit", "--users", "--bootstrap", "--kafka-user",
            "--kafka-password", "--db-url", "--jdbc", "--db-user", "--db-password", "--registry");

    private static Map<String, String> options(List<String> args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.put(name, args.get(++i));
        }
        return options;
    }

    private static long number(Map<String, String> options, String name, long fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 0) {
                throw new IllegalArgumentException(name + " must not be negative, was " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
    }

    /** The target as a line of the report, without passwords. */
    String describe() {
        return "kafka " + bootstrapServers + (kafkaSecurity.isEmpty() ? "" : " (SASL)") + ", postgres " + jdbcUrl + " user " + dbUser
                + ", registry " + registryApiV2 + (usersPrefix.isEmpty() ? ", all users" : ", users starting with '" + usersPrefix + "'");
    }
}
