package dev.kantor.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Kantor service run as its packaged artifact ({@code services/<name>/target/quarkus-app/quarkus-run.jar}),
 * configured for the local platform's endpoints through system properties. Used by the launcher, the crash tests
 * and the benchmarks, so that all of them run the service exactly as it ships.
 */
public final class ServicePart implements Part {

    /** The services the launcher starts, with their HTTP ports, in start order. */
    /**
     * The heap of a service, all of it taken at start when listed (so that the young generation has its full size
     * from the first batch); 256 MB unless listed. The transaction service keeps a batch's records, entities and
     * outcomes in flight in each of its consumers: with 256 MB its young collections promoted them (120 MB live after
     * a collection in a flight recording with two consumers, against 70 MB with 512 MB and three), and with three
     * consumers it spent 92 µs of CPU per request at full load, against 79 µs with -Xms512m -Xmx512m
     * (benchmarks/run transaction, batch 500, one run each).
     */
    private static final Map<String, String> HEAP = Map.of("transaction", "512m");

    /**
     * The heap of a native executable (serial collector, no JIT, no class metadata on the heap): sized for the issue's
     * goals of under 64 MB resident idle for account, rate and wallet and under 128 MB under load for transaction and
     * gateway; 48 MB unless listed. Not measured here (no GraalVM on this machine): a first guess to measure against.
     */
    private static final Map<String, String> NATIVE_HEAP = Map.of("transaction", "96m", "gateway", "96m");

    private final String name;
    /** The part's name: the service's, or an instance's own when several run (fleet-analytics-2). */
    private final String partName;
    private final int port;
    private final Endpoints endpoints;
    private final Path log;
    private final Map<String, String> properties;
    /** The checkout whose build runs: this one, or a release built elsewhere (an older version, for a rollout). */
    private final Path build;
    private ManagedProcess process;

    /**
     * @param properties extra configuration (for example a batch size), as system properties
     */
    public ServicePart(String name, int port, Endpoints endpoints, Path log, Map<String, String> properties) {
        this(name, PlatformConfig.projectRoot(), port, endpoints, log, properties);
    }

    /** The same, run from the build of another checkout (its {@code services/<name>/target}). */
    public ServicePart(String name, Path build, int port, Endpoints endpoints, Path log, Map<String, String> properties) {
        this(name, name, build, port, endpoints, log, properties);
    }

    private ServicePart(String name, String partName, Path build, int port, Endpoints endpoints, Path log, Map<String, String> properties) {
        this.build = build;
        this.name = name;
        this.partName = partName;
        this.port = port;
        this.endpoints = endpoints;
        this.log = log;
        this.properties = Map.copyOf(properties);
    }

    /** Another instance of the same service under its own part name (two analytics instances, for instance). */
    public ServicePart instance(String instanceName, int instancePort, Path instanceLog) {
        return new ServicePart(name, instanceName, build, instancePort, endpoints, instanceLog, properties);
    }

    /** The packaged service; empty until {@code ./mvnw package} has built it. */
    public static Path jar(String service) {
        return jar(PlatformConfig.projectRoot(), service);
    }

    static Path jar(Path build, String service) {
        return build.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The native executable of a service ({@code ./mvnw package -Pnative}). */
    public static Path nativeExecutable(String service) {
        return nativeExecutable(PlatformConfig.projectRoot(), service);
    }

    static Path nativeExecutable(Path build, String service) {
        return build.resolve("services").resolve(service).resolve("target/kantor-" + service + "-1.0.0-SNAPSHOT-runner");
    }

    /** Whether services run as native executables (-Dkantor.native=true, set by the native profile of the tests). */
    public static boolean nativeMode() {
        return Boolean.getBoolean("kantor.native");
    }

    public static boolean built(String service) {
        return built(PlatformConfig.projectRoot(), service);
    }

    static boolean built(Path build, String service) {
        return Files.isRegularFile(nativeMode() ? nativeExecutable(build, service) : jar(build, service));
    }

    @Override
    public String name() {
        return partName;
    }

    @Override
    public String address() {
        if (name.equals("gateway")) {
            return "http://127.0.0.1:" + port + "/ (the web page; API /api, Swagger UI /q/swagger-ui)";
        }
        return "http://127.0.0.1:" + port + " (health /q/health, metrics /q/metrics)";
    }

    public int port() {
        return port;
    }

    @Override
    public void start() {
        if (!built(build, name)) {
            throw new PlatformException("service " + name + " is not built (" + (nativeMode() ? nativeExecutable(build, name) : jar(build, name))
                    + "): run ./mvnw package -DskipTests" + (nativeMode() ? " -Pnative" : ""));
        }
        process = new ManagedProcess(partName, command(), nativeMode() ? nativeExecutable(build, name).getParent() : jar(build, name).getParent(),
                log, Map.of());
        process.start();
    }

    /** The command line that runs this service: its native executable in native mode, else its JVM build. */
    List<String> command() {
        String heap = HEAP.getOrDefault(name, "256m");
        List<String> command = new ArrayList<>(nativeMode()
                ? List.of(nativeExecutable(build, name).toString(), "-Xmx" + NATIVE_HEAP.getOrDefault(name, "48m"))
                : List.of(ManagedProcess.javaExecutable(), "-Xms" + (HEAP.containsKey(name) ? heap : "64m"), "-Xmx" + heap,
                        "-XX:+UseSerialGC",
                        // JBoss threads needs this on JDK 24+, or the worker pool dies at start.
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        command.addAll(List.of(
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + endpoints.kafkaBootstrapServers(),
                "-Dmp.messaging.connector.smallrye-kafka.apicurio.registry.url=" + endpoints.registryApiV2(),
                "-Dquarkus.datasource.reactive.url=" + endpoints.reactiveUrl(),
                "-Dquarkus.datasource.jdbc.url=" + endpoints.jdbcUrl()));
        if (DatabaseRoles.hasDatabase(name)) {
            // Its own role, owner of its schema only (DatabaseRoles); the rate service has no database and gets no login.
            DatabaseRoles.Login database = DatabaseRoles.login(endpoints, name);
            command.add("-Dquarkus.datasource.username=" + database.user());
            command.add("-Dquarkus.datasource.password=" + database.password());
        }
        if (endpoints.kafkaSecured()) {
            // On the secured platform every service logs in as itself, and its ACLs allow only its channels.
            KafkaAcls.saslConfig(name, KafkaAcls.localPassword(name)).forEach((key, value) -> command.add("-Dkafka." + key + "=" + value));
        }
        // Extra JVM options for every service, after the defaults so that they win (a later -Xmx overrides an earlier
        // one), e.g. a flight recording: KANTOR_SERVICE_JAVA_OPTS="-XX:StartFlightRecording=..."
        command.addAll(ManagedProcess.javaOptions(System.getenv("KANTOR_SERVICE_JAVA_OPTS")));
        devIdentity().forEach((key, value) -> command.add("-D" + key + "=" + value));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (!nativeMode()) {
            command.addAll(List.of("-jar", jar(build, name).toString()));
        }
        return command;
    }

    /**
     * The local platform's gateway runs in the dev profile with the checkout's dev key pair (services/gateway/dev-keys),
     * which the jar does not contain: the dev sign-in works, and nothing of it can reach a production deployment, where
     * the gateway refuses the dev key (IdentityProviderCheck). A caller that chooses the profile itself (a test of the
     * prod profile) configures the identity provider itself too.
     */
    private Map<String, String> devIdentity() {
        if (!name.equals("gateway") || properties.containsKey("quarkus.profile")) {
            return Map.of();
        }
        return Map.of("quarkus.profile", "dev",
                "kantor.gateway.dev-keys", devKeys().toString());
    }

    /** The folder of the gateway's dev key pair in this checkout. */
    public static Path devKeys() {
        return PlatformConfig.projectRoot().resolve("services/gateway/dev-keys");
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        process.awaitHealthy(timeout, this::ready);
    }

    @Override
    public boolean healthy() {
        return process != null && process.alive() && ready();
    }

    /** The service's own readiness (SmallRye Health: its Kafka channels, and its database or feed). */
    public boolean ready() {
        return Ports.answersOk("http://127.0.0.1:" + port + "/q/health/ready");
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or committed. */
    @Override
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    public boolean alive() {
        return process != null && process.alive();
    }

    @Override
    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : process.pid();
    }
}
