package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.kantor.topology.Topology;

/**
 * The `kantor` command: up (foreground, Ctrl-C stops), up --detach, down, status, part NAME stop|kill|start|restart,
 * topology, schemas, audit, dlt.
 */
public final class PlatformMain {

    private PlatformMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (PlatformException e) {
            System.err.println("kantor: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = rest.isEmpty() ? "help" : rest.remove(0);
        int brokers = 1;
        boolean detach = false;
        boolean services = true;
        boolean secure = false;
        boolean fleet = false;
        int vesselBrokers = 1;
        int containers = 50;
        int interval = 5;
        for (int i = 0; i < rest.size(); i++) {
            switch (rest.get(i)) {
                case "--brokers" -> brokers = Integer.parseInt(rest.get(++i));
                case "--detach", "-d" -> detach = true;
                case "--no-services" -> services = false;
                case "--secure" -> secure = true;
                // Native executables (./mvnw package -DskipTests -Pnative) instead of the JVM builds; ServicePart sizes them.
                case "--native" -> System.setProperty("kantor.native", "true");
                case "--fleet" -> fleet = true;
                case "--vessel-brokers" -> vesselBrokers = Integer.parseInt(rest.get(++i));
                case "--containers" -> containers = Integer.parseInt(rest.get(++i));
                case "--interval" -> interval = Integer.parseInt(rest.get(++i));
                default -> { }
            }
        }
        PlatformConfig config = secure ? PlatformConfig.fromEnvironment(brokers).secured() : PlatformConfig.fromEnvironment(brokers);
        if (fleet) {
            config = config.withFleet(vesselBrokers, containers, interval);
        }
        LocalPlatform platform = new LocalPlatform(config);
        return switch (command) {
            case "up" -> detach ? upDetached(platform, services) : up(config, platform, services);
            case "down" -> down(platform);
            case "status" -> status(platform);
            case "part" -> {
                System.out.print(platform.part(rest.get(0), rest.get(1)));
                yield 0;
            }
            case "schemas" -> schemas(rest);
            case "link" -> link(platform, rest);
            case "audit" -> Audit.command(rest, config, System.out, System.err);
            case "dlt" -> DltCommand.command(rest, config, System.out, System.err);
            case "topology" -> TopologyCommand.command(rest, config, System.out, System.err);
            default -> {
                System.out.println("""
                        usage: kantor up [--brokers 1|3] [--detach] [--no-services] [--secure] [--native] [--fleet ...]
                                                                start the platform and the built services (Ctrl-C stops it);
                                                                --secure: SASL/SCRAM and per-service ACLs on the broker;
                                                                --fleet [--vessel-brokers 1|3] [--containers N] [--interval S]:
                                                                the reefer fleet too (vessel1's cluster, link, simulator, edge,
                                                                MirrorMaker 2, two analytics instances)
                               kantor link VESSEL up|down|blackhole|throttle [BYTES_PER_S]
                                                                the vessel's satellite link: down resets connections,
                                                                blackhole accepts and forwards nothing
                               kantor down                            stop a running platform
                               kantor status                          what runs where, and whether it is healthy
                               kantor part NAME stop|kill|start|restart one part: postgres, registry, kafka (kafka-1..3), a service
                               kantor schemas --registry URL [--topology vessel]
                                                                check and register every event schema of the exchange's (or
                                                                the vessel's) topology in a registry (the Kubernetes Jobs)
                               kantor schemas --registry URL --await A,B  wait until this release's schemas of artifacts A, B are
                                                                registered (the services' init container on Kubernetes)
                               kantor audit [--settle S] [--users PREFIX] [--bootstrap ..] [--db-url ..] [--registry ..]
                                                                reconcile ledger, balances, wallets and outcomes; exit 0 clean,
                                                                1 with differences (the first printed), 2 when it cannot run
                               kantor topology plan|apply [--bootstrap HOST:PORT] [--command-config FILE] [--allow-delete]
                                                                topics and the services' ACLs as declared, on any cluster;
                                                                exit 0 in sync, 3 plan has changes (kantor topology --help)
                               kantor dlt list|show TOPIC|replay TOPIC [--reason TEXT | --offsets P:O,...] [--force] [--bootstrap ..]
                                                                the dead letters: counts and reasons, each record decoded, sent
                                                                back to its source once (kantor dlt --help)
                        environment: KANTOR_HOME (data, default ./.kantor), KANTOR_KAFKA_PORT (9092),
                          KANTOR_REGISTRY_PORT (8081), KANTOR_POSTGRES_PORT (5433), KANTOR_CONTROL_PORT (9990),
                          KANTOR_VESSEL_PORT (9292; the link's proxies from +100),
                          KANTOR_POSTGRES_HOST/_PORT/_USER/_PASSWORD (use an external PostgreSQL)""");
                yield "help".equals(command) ? 0 : 2;
            }
        };
    }

    private static int link(LocalPlatform platform, List<String> args) {
        List<String> words = args.stream().filter(a -> !a.startsWith("--")).toList();
        if (words.size() < 2) {
            System.err.println("usage: kantor link VESSEL up|down|blackhole|throttle [BYTES_PER_S]");
            return 2;
        }
        long bytes = words.size() > 2 ? Long.parseLong(words.get(2)) : 8 * 1024;
        System.out.print(platform.link(words.get(0), words.get(1), bytes));
        return 0;
    }

    /** The schema gate against any registry: what the register-schemas Job of k8s/ runs before services roll out. */
    private static int schemas(List<String> args) {
        int at = args.indexOf("--registry");
        if (at < 0 || at + 1 >= args.size()) {
            System.err.println("usage: kantor schemas --registry http://registry:8080 [--topology exchange|vessel] [--await ARTIFACT,...]");
            return 2;
        }
        int named = args.indexOf("--topology");
        String which = named >= 0 && named + 1 < args.size() ? args.get(named + 1) : named >= 0 ? "" : "exchange";
        if (!which.equals("exchange") && !which.equals("vessel")) {
            System.err.println("--topology is exchange (kantor-topology.yaml, the default) or vessel (fleet-vessel-topology.yaml)");
            return 2;
        }
        Topology topology = which.equals("vessel") ? Topology.vessel() : Topology.load();
        int await = args.indexOf("--await");
        if (await >= 0) {
            return awaitSchemas(new SchemaRegistryClient(args.get(at + 1)), topology,
                    await + 1 < args.size() ? List.of(args.get(await + 1).split(",")) : List.of());
        }
        List<SchemaRegistryClient.Version> registered = new SchemaGate(new SchemaRegistryClient(args.get(at + 1)))
                .checkAndRegister(SchemaGate.subjects(topology));
        System.out.println("registered or already current: " + registered.size() + " schemas");
        return 0;
    }

    /**
     * Waits until the current schema (this release's) of each artifact named is registered: the init container of
     * every service on Kubernetes, so that no service starts before the register-schemas Job has registered what it
     * writes. Polls, as an init container must: the cluster runs the service only once this exits 0.
     */
    private static int awaitSchemas(SchemaRegistryClient registry, Topology topology, List<String> artifacts) {
        List<SchemaGate.Subject> wanted = SchemaGate.subjects(topology).stream().filter(s -> artifacts.contains(s.artifactId())).toList();
        if (artifacts.isEmpty() || wanted.size() != artifacts.size()) {
            System.err.println("--await takes artifacts of the topology, comma-separated: unknown among " + artifacts);
            return 2;
        }
        SchemaGate gate = new SchemaGate(registry);
        while (true) {
            List<String> missing;
            try {
                missing = gate.missing(wanted);
            } catch (RuntimeException unreachable) {
                missing = List.of("(registry: " + unreachable.getMessage() + ")");
            }
            if (missing.isEmpty()) {
                System.out.println("registered: " + String.join(", ", artifacts));
                return 0;
            }
            System.out.println("waiting for the register-schemas Job to register " + missing);
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static int up(PlatformConfig config, LocalPlatform platform, boolean services) {
        Optional<Endpoints> running = platform.running();
        Optional<Supervisor> supervisor = new Supervisor(config).withServices(services).lock();
        if (running.isPresent() || supervisor.isEmpty()) {
            System.out.println("Kantor is already running"
                    + running.map(e -> " (supervisor pid " + e.supervisorPid() + ")").orElse(" or starting")
                    + " with its data in " + config.home() + ": reusing it, not starting a second one.");
            running.ifPresent(PlatformMain::print);
            return 0;
        }
        long started = System.nanoTime();
        System.out.println("Starting Kantor in " + config.home() + " ...");
        Endpoints endpoints;
        try {
            endpoints = supervisor.get().start();
        } catch (RuntimeException e) {
            supervisor.get().stop();
            throw e;
        }
        System.out.printf("All parts healthy in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        print(endpoints);
        System.out.println("Ctrl-C (or `./kantor down`) stops everything.");
        try {
            supervisor.get().awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int upDetached(LocalPlatform platform, boolean services) {
        Optional<Endpoints> running = platform.running();
        if (running.isPresent()) {
            System.out.println("Kantor is already running (supervisor pid " + running.get().supervisorPid()
                    + "): reusing it, not starting a second one.");
            print(running.get());
            return 0;
        }
        print(platform.startDetached(services));
        return 0;
    }

    private static int down(LocalPlatform platform) {
        System.out.println(platform.stop() ? "Kantor stopped." : "Kantor was not running.");
        return 0;
    }

    private static int status(LocalPlatform platform) {
        Optional<Endpoints> running = platform.running();
        if (running.isEmpty()) {
            System.out.println("Kantor is not running.");
            return 1;
        }
        print(running.get());
        String status = platform.status().orElse("");
        System.out.print(status);
        return status.contains("DOWN") ? 1 : 0;
    }

    static void print(Endpoints endpoints) {
        System.out.printf("%-12s %-60s %s%n", "part", "address", "pid");
        for (Endpoints.PartState part : endpoints.parts()) {
            System.out.printf("%-12s %-60s %d%n", part.name(), part.address(), part.pid());
        }
        System.out.println("kafka bootstrap servers: " + endpoints.kafkaBootstrapServers());
        System.out.println("schema registry:         " + endpoints.registryUrl() + " (serdes: " + endpoints.registryApiV2() + ")");
        System.out.println("postgres:                " + endpoints.jdbcUrl() + " admin " + endpoints.postgresUser()
                + " (each service as its role kantor_<service>, owner of its schema)");
        System.out.println("launcher control:        http://127.0.0.1:" + endpoints.controlPort() + "/status");
    }
}
