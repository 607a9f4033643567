package dev.kantor.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client side of a local platform: finds a running one from its state file, starts one in the background when
 * none runs (tests call {@link #ensureRunning()}), and sends control requests to its supervisor.
 */
public final class LocalPlatform {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final PlatformConfig config;

    public LocalPlatform(PlatformConfig config) {
        this.config = config;
    }

    /** The platform of this checkout, one broker, as configured by the environment. */
    public static LocalPlatform fromEnvironment() {
        return new LocalPlatform(PlatformConfig.fromEnvironment(1));
    }

    public PlatformConfig config() {
        return config;
    }

    /** The endpoints of a platform whose supervisor is alive and answers. */
    public Optional<Endpoints> running() {
        return StateFile.read(config).filter(e -> ProcessHandle.of(e.supervisorPid()).map(ProcessHandle::isAlive).orElse(false))
                .filter(e -> control(e, "GET", "/status").isPresent());
    }

    /**
     * Reuses the running platform, or starts one in the background (without the services: a test brings the
     * instance it tests) and waits until it is healthy. A running platform gets the services' database roles first
     * (idempotent): one started by an older launcher has none, and its schemas are still the admin's.
     */
    public synchronized Endpoints ensureRunning() {
        Optional<Endpoints> running = running();
        if (running.isPresent()) {
            applyDatabaseRoles(running.get());
            return running.get();
        }
        return startDetached(false);
    }

    /** The roles of {@link DatabaseRoles} on a running platform; where that fails, services log in as the admin user. */
    private static void applyDatabaseRoles(Endpoints endpoints) {
        try {
            DatabaseRoles.apply(endpoints);
        } catch (java.sql.SQLException e) {
            System.err.println("kantor: could not apply the services' database roles at " + endpoints.postgresHost() + ":"
                    + endpoints.postgresPort() + " (" + e.getMessage().strip() + "); a service without its role logs in as "
                    + endpoints.postgresUser());
        }
    }

    /** Starts a supervisor process that outlives the caller, and waits for its state file. */
    public Endpoints startDetached(boolean services) {
        return startDetached(services, PlatformConfig.projectRoot(), launcherJar());
    }

    /**
     * The same with the launcher of another checkout's build (an older release: its schema gate, topology and
     * services), to start from what that release deployed.
     */
    public Endpoints startDetached(boolean services, Path build) {
        return startDetached(services, build, build.resolve("platform/target/kantor-platform.jar"));
    }

    private Endpoints startDetached(boolean services, Path build, Path jar) {
        Path log = config.logs().resolve("launcher.log");
        List<String> command = new ArrayList<>(List.of(ManagedProcess.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dkantor.project.root=" + build, "-jar", jar.toString(),
                "up", "--brokers", Integer.toString(config.brokers())));
        if (!services) {
            command.add("--no-services");
        }
        if (config.kafkaSecured()) {
            command.add("--secure");
        }
        if (ServicePart.nativeMode()) {
            command.add("--native");
        }
        config.fleet().ifPresent(fleet -> command.addAll(List.of("--fleet", "--vessel-brokers", Integer.toString(fleet.brokers()),
                "--containers", Integer.toString(fleet.containers()), "--interval", Integer.toString(fleet.intervalSeconds()))));
        ManagedProcess launcher = new ManagedProcess("kantor launcher", command, config.home(), log,
                java.util.Map.of("KANTOR_HOME", config.home().toString(),
                        "KANTOR_KAFKA_PORT", Integer.toString(config.kafkaPort()),
                        "KANTOR_REGISTRY_PORT", Integer.toString(config.registryPort()),
                        "KANTOR_POSTGRES_PORT", Integer.toString(config.postgresPort()),
                        "KANTOR_CONTROL_PORT", Integer.toString(config.controlPort()),
                        "KANTOR_VESSEL_PORT", Integer.toString(config.fleet().map(PlatformConfig.Fleet::port).orElse(9292))));
        long started = System.nanoTime();
        launcher.start();
        launcher.awaitHealthy(PlatformConfig.START_TIMEOUT.plusSeconds(60), () -> running().isPresent());
        System.out.printf("Kantor platform started in %.1f s (log %s)%n", (System.nanoTime() - started) / 1e9, log);
        return running().orElseThrow();
    }

    /**
     * Stops the platform's own instance of a service, if it runs one (./kantor up does): an instance under test must
     * never share its consumer groups.
     */
    public void stopOwnInstance(String service) {
        running().ifPresent(endpoints -> endpoints.parts().stream().filter(p -> p.name().equals(service) && p.pid() > 0)
                .forEach(p -> part(service, "stop")));
    }

    /** Asks the supervisor to stop everything and waits for it to exit. */
    public boolean stop() {
        Optional<Endpoints> state = StateFile.read(config);
        if (state.isEmpty()) {
            return false;
        }
        Optional<ProcessHandle> supervisor = ProcessHandle.of(state.get().supervisorPid()).filter(ProcessHandle::isAlive);
        if (supervisor.isEmpty()) {
            StateFile.delete(config);
            return false;
        }
        supervisor.get().destroy();
        try {
            supervisor.get().onExit().get(90, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            supervisor.get().destroyForcibly();
        }
        return true;
    }

    /** Stops, starts or restarts one part (postgres, registry, kafka, kafka-2...) of the running platform. */
    public String part(String name, String action) {
        Endpoints endpoints = running().orElseThrow(() -> new PlatformException("the platform is not running"));
        HttpResponse<String> response = controlRequest(endpoints, "POST", "/parts/" + name + "/" + action);
        if (response.statusCode() != 200) {
            throw new PlatformException(action + " " + name + " failed: " + response.body());
        }
        return response.body();
    }

    /** Cuts ("down": connections reset), black-holes, throttles or restores a vessel's link; returns its state. */
    public String link(String vessel, String mode, long bytesPerSecond) {
        Endpoints endpoints = running().orElseThrow(() -> new PlatformException("the platform is not running"));
        HttpResponse<String> response = controlRequest(endpoints, "POST", "/links/" + vessel + "/" + mode
                + (mode.equals("throttle") ? "?bytes=" + bytesPerSecond : ""));
        if (response.statusCode() != 200) {
            throw new PlatformException("link " + vessel + " " + mode + " failed: " + response.body());
        }
        return response.body();
    }

    public Optional<String> status() {
        return running().flatMap(e -> control(e, "GET", "/status"));
    }

    private Optional<String> control(Endpoints endpoints, String method, String path) {
        try {
            HttpResponse<String> response = controlRequest(endpoints, method, path);
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (PlatformException e) {
            return Optional.empty();
        }
    }

    private static HttpResponse<String> controlRequest(Endpoints endpoints, String method, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.controlPort() + path))
                    .timeout(Duration.ofMinutes(3)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PlatformException("the launcher does not answer on port " + endpoints.controlPort(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        }
    }

    /** The packaged launcher: this jar when running from it, else the one built in the checkout. */
    static Path launcherJar() {
        Path candidate = Classpath.distributionDir().resolve("kantor-platform.jar");
        if (Files.isRegularFile(candidate)) {
            return candidate;
        }
        Path built = PlatformConfig.projectRoot().resolve("platform/target/kantor-platform.jar");
        if (Files.isRegularFile(built)) {
            return built;
        }
        throw new PlatformException("no packaged launcher at " + built + ": run ./mvnw -pl platform -am package -DskipTests");
    }
}
