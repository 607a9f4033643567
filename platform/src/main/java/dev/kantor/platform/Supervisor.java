package dev.kantor.platform;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;

import dev.kantor.topology.Topology;
import dev.kantor.topology.Services;

/**
 * The process that owns a running local platform: it starts the parts in order, applies the topology, registers the
 * schemas, writes the state file that clients read, and stops everything on SIGTERM / Ctrl-C.
 */
public final class Supervisor {

    private final PlatformConfig config;
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PostgresPart postgres;
    private final KafkaCluster kafka;
    private final RegistryPart registry;
    private FileLock lock;
    private ControlServer control;
    private volatile boolean stopping;
    private boolean withServices = true;
    private final List<ServicePart> services = new ArrayList<>();
    /** The reefer fleet, when started with it (./kantor up --fleet). */
    private final Optional<FleetParts> fleet;

    public Supervisor(PlatformConfig config) {
        this.config = config;
        Path home = config.home();
        this.postgres = config.externalPostgres().map(PostgresPart::external)
                .orElseGet(() -> PostgresPart.embedded(home.resolve("postgres"), home.resolve("postgres-bin"),
                        config.logs().resolve("postgres.log"), config.postgresPort()));
        String heap = config.brokers() == 1 ? "512m" : "384m";
        // A secured cluster has its own storage: its admin user is written when the storage is formatted.
        this.kafka = config.kafkaSecured()
                ? KafkaCluster.secured(home.resolve("kafka-" + config.brokers() + "-broker-secured"), config.logs(),
                        config.brokers(), config.kafkaPort(), heap, KafkaAcls.LOCAL_ADMIN_PASSWORD)
                : new KafkaCluster(home.resolve("kafka-" + config.brokers() + "-broker"), config.logs(),
                        config.brokers(), config.kafkaPort(), heap);
        this.registry = new RegistryPart(home.resolve("registry"), config.logs().resolve("registry.log"),
                config.registryPort(), postgres.jdbcUrl(PostgresPart.REGISTRY_DATABASE),
                () -> postgres.login(DatabaseRoles.REGISTRY));
        parts.put(postgres.name(), postgres);
        kafka.nodes().forEach(n -> parts.put(n.name(), n));
        parts.put(registry.name(), registry);
        this.fleet = config.fleet().map(f -> new FleetParts(config));
    }

    /**
     * Takes the platform's lock. Empty when another supervisor holds it, i.e. the platform is already running.
     */
    public Optional<Supervisor> lock() {
        try {
            Files.createDirectories(config.home());
            FileChannel channel = FileChannel.open(config.home().resolve("supervisor.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock acquired = channel.tryLock();
            if (acquired == null) {
                channel.close();
                return Optional.empty();
            }
            this.lock = acquired;
            return Optional.of(this);
        } catch (IOException e) {
            throw new PlatformException("cannot lock " + config.home() + ": " + e.getMessage(), e);
        }
    }

    /** Whether the built services start too (tests start their own instances, so they say no). */
    public Supervisor withServices(boolean start) {
        this.withServices = start;
        return this;
    }

    public Endpoints start() {
        StateFile.read(config).ifPresent(this::cleanUpAbandoned);
        List<String> busy = new ArrayList<>();
        if (config.externalPostgres().isEmpty()) {
            busy.add(config.postgresPort() + ":postgres");
        }
        kafka.ports().forEach(p -> busy.add(p + ":kafka"));
        busy.add(config.registryPort() + ":registry");
        busy.add(registry.managementPort() + ":registry management");
        busy.add(config.controlPort() + ":launcher control");
        if (withServices) {
            Services.PORTS.forEach((name, port) -> busy.add(port + ":" + name + " service"));
        }
        fleet.ifPresent(f -> f.ports().forEach((port, what) -> busy.add(port + ":" + what)));
        busy.forEach(entry -> Ports.requireFree(Integer.parseInt(entry.substring(0, entry.indexOf(':'))),
                entry.substring(entry.indexOf(':') + 1)));

        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "kantor-stop"));
        postgres.start();
        postgres.awaitHealthy(PlatformConfig.START_TIMEOUT);
        // The broker and the registry need nothing from each other: start them together.
        CompletableFuture<Void> brokers = CompletableFuture.runAsync(() -> kafka.startAll(PlatformConfig.START_TIMEOUT));
        registry.start();
        registry.awaitHealthy(PlatformConfig.START_TIMEOUT);
        brokers.join();

        Topology topology = Topology.load();
        try (Admin admin = admin()) {
            // The same plan and applier as `kantor topology plan|apply`, never deleting what it does not declare.
            ReplicationProfile replication = ReplicationProfile.forBrokers(config.brokers());
            TopologyApplier applier = new TopologyApplier(admin, replication);
            if (config.kafkaSecured()) {
                KafkaAcls.applyLocal(admin, applier, topology, replication);
                System.out.println("  kafka: SASL/SCRAM on, one user per service, ACLs from each service's channels");
            } else {
                applier.apply(topology).forEach(change -> System.out.println("  topology: " + change));
            }
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException("could not set up the Kafka topology or ACLs: " + e.getMessage(), e);
        }
        new SchemaGate(new SchemaRegistryClient(registry.url())).checkAndRegister(SchemaGate.subjects(topology));
        if (withServices) {
            startServices();
            warmUp();
        }
        fleet.ifPresent(f -> {
            f.start(endpoints());
            parts.putAll(f.parts());
        });

        control = new ControlServer(config.controlPort(), this);
        control.start();
        Endpoints endpoints = endpoints();
        StateFile.write(config, endpoints);
        return endpoints;
    }

    /** The services come up after the schemas are registered: their serializers only look schemas up. */
    private void startServices() {
        Endpoints infrastructure = endpoints();
        for (Map.Entry<String, Integer> service : Services.PORTS.entrySet()) {
            if (!ServicePart.built(service.getKey())) {
                System.out.println("  service " + service.getKey() + " is not built, not started (./mvnw install -DskipTests builds it)");
                continue;
            }
            ServicePart part = new ServicePart(service.getKey(), service.getValue(), infrastructure,
                    config.logs().resolve(service.getKey() + ".log"), Map.of());
            part.start();
            part.awaitHealthy(PlatformConfig.START_TIMEOUT);
            services.add(part);
            parts.put(part.name(), part);
        }
    }

    /** The money path walked once (WarmUpJourney) before the platform is called ready; a failure is reported, not fatal. */
    private void warmUp() {
        if (services.stream().noneMatch(s -> s.name().equals("gateway"))) {
            return;
        }
        try {
            System.out.println("  warm-up: " + new WarmUpJourney(URI.create("http://127.0.0.1:" + Services.PORTS.get("gateway") + "/")).run());
        } catch (java.io.IOException | RuntimeException e) {
            // An answer of an unexpected shape too: the platform runs all the same, its first requests are cold.
            System.out.println("  warm-up: the money path did not complete (" + e + "); see the services' logs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Endpoints endpoints() {
        List<Endpoints.PartState> states = parts.values().stream()
                .map(p -> new Endpoints.PartState(p.name(), p.address(), p.pid().orElse(-1))).toList();
        return new Endpoints(ProcessHandle.current().pid(), config.brokers(), kafka.bootstrapServers(), registry.url(),
                postgres.host(), postgres.port(), postgres.user(), postgres.password(), PostgresPart.DATABASE,
                config.controlPort(), states, config.kafkaSecured());
    }

    Map<String, Part> parts() {
        return parts;
    }

    /** Stops one part (a failure drill), leaving the others running. */
    synchronized void stopPart(String name) {
        part(name).stop();
        StateFile.write(config, endpoints());
    }

    synchronized void killPart(String name) {
        part(name).kill();
        StateFile.write(config, endpoints());
    }

    synchronized void startPart(String name) {
        Part part = part(name);
        part.start();
        part.awaitHealthy(PlatformConfig.START_TIMEOUT);
        StateFile.write(config, endpoints());
    }

    /** Cuts, throttles or restores a vessel's link (./kantor link vessel1 down). */
    synchronized String link(String vessel, LinkProxy.Mode mode, long bytesPerSecond) {
        FleetParts started = fleet.orElseThrow(() -> new PlatformException("the fleet is not running: ./kantor up --fleet starts it"));
        started.link(vessel, mode, bytesPerSecond);
        return started.linkState(vessel);
    }

    /** Each vessel's link state, for the status. */
    Map<String, String> links() {
        return fleet.map(f -> Map.of(FleetParts.VESSEL, f.linkState(FleetParts.VESSEL))).orElse(Map.of());
    }

    private Part part(String name) {
        Part part = parts.get(name);
        if (part == null) {
            throw new PlatformException("no part '" + name + "'; parts are " + parts.keySet());
        }
        return part;
    }

    private Admin admin() {
        return Admin.create(kafka.adminConfig());
    }

    /** Kills what a supervisor that died without stopping (kill -9, power loss) left behind. */
    private void cleanUpAbandoned(Endpoints previous) {
        System.out.println("A previous run was not stopped (supervisor pid " + previous.supervisorPid() + "): cleaning up.");
        for (Endpoints.PartState part : previous.parts()) {
            ProcessHandle.of(part.pid()).filter(ProcessHandle::isAlive).ifPresent(handle -> {
                System.out.println("  killing leftover " + part.name() + " (pid " + part.pid() + ")");
                handle.destroyForcibly();
                handle.onExit().join();
            });
        }
        StateFile.delete(config);
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Stops the parts in the reverse order of their start. Safe to call more than once. */
    public synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (control != null) {
            control.stop();
        }
        fleet.ifPresent(FleetParts::stop);
        services.forEach(ServicePart::stop);
        registry.stop();
        kafka.stopAll();
        postgres.stop();
        StateFile.delete(config);
        try {
            if (lock != null) {
                lock.release();
                lock.channel().close();
            }
        } catch (IOException ignored) {
            // The lock goes with the process anyway.
        }
        stopped.countDown();
    }

    /** Shuts the whole platform down from a control request, outside the request's thread. */
    void stopAsync() {
        Thread stopper = new Thread(() -> {
            stop();
            System.exit(0);
        }, "kantor-shutdown");
        stopper.start();
    }
}
