package dev.kantor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka cluster in KRaft mode on loopback: one node per process, each broker and controller at once.
 * Node i listens on basePort + 2i (clients) and basePort + 2i + 1 (controller quorum).
 */
public final class KafkaCluster {

    private final Path dataDir;
    private final Path logDir;
    private final int nodes;
    private final int basePort;
    private final String heap;
    private final List<Node> nodeParts = new ArrayList<>();
    /** With a password: clients authenticate with SASL/SCRAM-SHA-512 and ACLs decide; "admin" is the super user. */
    private final String adminPassword;
    /** Per node, the address its uplink listener advertises (a link proxy's port); empty without an uplink. */
    private List<Integer> uplinkAdvertised = List.of();
    /** Before the nodes' part names ("vessel1-" makes vessel1-kafka): two clusters under one launcher. */
    private String partPrefix = "";

    public KafkaCluster(Path dataDir, Path logDir, int nodes, int basePort, String heap) {
        this(dataDir, logDir, nodes, basePort, heap, null);
    }

    /**
     * A cluster whose client listener takes SASL/SCRAM-SHA-512 only, with the standard authorizer and no access
     * without an ACL. The user "admin" (this password) is created at format time and is the super user; the
     * controller listener stays PLAINTEXT on loopback.
     */
    public static KafkaCluster secured(Path dataDir, Path logDir, int nodes, int basePort, String heap, String adminPassword) {
        return new KafkaCluster(dataDir, logDir, nodes, basePort, heap, adminPassword);
    }

    private KafkaCluster(Path dataDir, Path logDir, int nodes, int basePort, String heap, String adminPassword) {
        this.adminPassword = adminPassword;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.nodes = nodes;
        this.basePort = basePort;
        this.heap = heap;
        for (int i = 0; i < nodes; i++) {
            nodeParts.add(new Node(i));
        }
    }

    /**
     * A broker's JVM options: its heap, G1 with Kafka's own pause goal, a GC log, then {@code extra} (the environment's
     * KANTOR_KAFKA_JAVA_OPTS, a flight recording or another collector), after the defaults so that they win; a
     * collector named there replaces G1, which the JVM would otherwise refuse as a conflict.
     */
    static List<String> jvmOptions(String heap, Path gcLog, String extra) {
        List<String> own = ManagedProcess.javaOptions(extra);
        List<String> options = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        if (own.stream().noneMatch(option -> option.matches("-XX:\\+Use\\w+GC"))) {
            options.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"));
        }
        options.add("-Xlog:gc:file=" + gcLog + ":time:filecount=2,filesize=5M");
        options.addAll(own);
        return options;
    }

    /** The client settings of the super user: bootstrap servers, and SASL when the cluster is secured. */
    public Properties adminConfig() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (adminPassword != null) {
            props.putAll(KafkaAcls.saslConfig("admin", adminPassword));
        }
        return props;
    }

    public List<? extends Part> nodes() {
        return nodeParts;
    }

    public Node node(int index) {
        return nodeParts.get(index);
    }

    public String bootstrapServers() {
        return IntStream.range(0, nodes).mapToObj(i -> "127.0.0.1:" + brokerPort(i)).collect(Collectors.joining(","));
    }

    public List<Integer> ports() {
        return IntStream.range(0, nodes).boxed().flatMap(i -> java.util.stream.Stream.of(brokerPort(i), brokerPort(i) + 1)).toList();
    }

    /** Formats the storage of every node once, with one cluster id kept in the data directory. */
    public void format() {
        try {
            Files.createDirectories(dataDir);
            Path idFile = dataDir.resolve("cluster-id");
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, Uuid.randomUuid().toString());
            }
            String clusterId = Files.readString(idFile).trim();
            List<ManagedProcess> formatters = new ArrayList<>();
            for (Node node : nodeParts) {
                node.writeConfig();
                if (Files.exists(node.logDirs().resolve("meta.properties"))) {
                    continue;
                }
                List<String> command = new ArrayList<>(List.of(ManagedProcess.javaExecutable(), "-Xmx256m", "-cp", Classpath.launcher(),
                        "-Dlog4j2.configurationFile=" + node.log4jConfig(),
                        "kafka.tools.StorageTool", "format", "--config", node.configFile().toString(),
                        "--cluster-id", clusterId, "--ignore-formatted"));
                if (adminPassword != null) {
                    command.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=admin,password=" + adminPassword + "]"));
                }
                formatters.add(new ManagedProcess("kafka storage format (node " + node.id() + ")", command,
                        node.dir(), node.logFile(), Map.of()));
            }
            formatters.parallelStream().forEach(f -> f.runToCompletion(Duration.ofSeconds(90)));
        } catch (IOException e) {
            throw new PlatformException("could not prepare Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** True when a metadata request sees every node as a live broker. */
    public boolean allBrokersUp() {
        return brokersUp() == nodes;
    }

    public int brokersUp() {
        Properties props = adminConfig();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            return 0;
        }
    }

    private int brokerPort(int index) {
        return basePort + 2 * index;
    }

    /**
     * Gives every node a second client listener, UPLINK, for what reaches the cluster over a link (a vessel's
     * satellite link to shore): node i listens on {@link #uplinkPort(int)} and advertises 127.0.0.1 and the i-th
     * port given, a proxy's, so that a client that came through the link is sent back through it.
     */
    public KafkaCluster withUplink(List<Integer> advertisedPorts) {
        if (advertisedPorts.size() != nodes) {
            throw new IllegalArgumentException("one uplink port per node: " + nodes + " nodes, " + advertisedPorts);
        }
        this.uplinkAdvertised = List.copyOf(advertisedPorts);
        return this;
    }

    /** The same cluster with its nodes' part names (and logs) prefixed, e.g. {@code vessel1-kafka-2}. */
    public KafkaCluster named(String prefix) {
        this.partPrefix = prefix;
        return this;
    }

    /** Where node i's uplink listener listens (the target of its link proxy). */
    public int uplinkPort(int index) {
        return basePort + 2 * nodes + index;
    }

    /** One KRaft node process. */
    public final class Node implements Part {

        private final int index;
        private ManagedProcess process;

        Node(int index) {
            this.index = index;
        }

        int id() {
            return index + 1;
        }

        @Override
        public String name() {
            return partPrefix + (nodes == 1 ? "kafka" : "kafka-" + id());
        }

        @Override
        public String address() {
            return "127.0.0.1:" + brokerPort(index) + " (controller :" + (brokerPort(index) + 1) + ")";
        }

        Path dir() {
            return dataDir.resolve("node-" + id());
        }

        Path logDirs() {
            return dir().resolve("data");
        }

        Path configFile() {
            return dir().resolve("server.properties");
        }

        Path log4jConfig() {
            return dir().resolve("log4j2.properties");
        }

        Path logFile() {
            return logDir.resolve(name() + ".log");
        }

        void writeConfig() throws IOException {
            Files.createDirectories(logDirs());
            ReplicationProfile replication = ReplicationProfile.forBrokers(nodes);
            String voters = IntStream.range(0, nodes)
                    .mapToObj(i -> (i + 1) + "@127.0.0.1:" + (brokerPort(i) + 1)).collect(Collectors.joining(","));
            int port = brokerPort(index);
            String client = adminPassword == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
            boolean uplink = !uplinkAdvertised.isEmpty();
            String listeners = client + "://127.0.0.1:" + port + (uplink ? ",UPLINK://127.0.0.1:" + uplinkPort(index) : "")
                    + ",CONTROLLER://127.0.0.1:" + (port + 1);
            String advertised = client + "://127.0.0.1:" + port + (uplink ? ",UPLINK://127.0.0.1:" + uplinkAdvertised.get(index) : "");
            String config = String.join(System.lineSeparator(),
                    "# Written by the Kantor launcher on every start; edit KafkaCluster instead.",
                    "process.roles=broker,controller",
                    "node.id=" + id(),
                    "controller.quorum.voters=" + voters,
                    "listeners=" + listeners,
                    "advertised.listeners=" + advertised,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=" + client,
                    "listener.security.protocol.map=" + client + ":" + client + ",CONTROLLER:PLAINTEXT" + (uplink ? ",UPLINK:" + client : ""),
                    securityConfig(),
                    "log.dirs=" + logDirs(),
                    "num.partitions=3",
                    "auto.create.topics.enable=false",
                    "default.replication.factor=" + replication.replicationFactor(),
                    "min.insync.replicas=" + replication.minInsyncReplicas(),
                    "offsets.topic.replication.factor=" + replication.replicationFactor(),
                    "transaction.state.log.replication.factor=" + replication.replicationFactor(),
                    "transaction.state.log.min.isr=" + replication.minInsyncReplicas(),
                    "share.coordinator.state.topic.replication.factor=" + replication.replicationFactor(),
                    "share.coordinator.state.topic.min.isr=" + replication.minInsyncReplicas(),
                    "group.initial.rebalance.delay.ms=0",
                    "unclean.leader.election.enable=false",
                    // Durability comes from replication and acks=all, as in production; the OS flushes.
                    "log.flush.interval.messages=9223372036854775807",
                    "");
            Files.writeString(configFile(), config);
            Files.writeString(log4jConfig(), String.join(System.lineSeparator(),
                    "appender.stdout.type=Console",
                    "appender.stdout.name=STDOUT",
                    "appender.stdout.layout.type=PatternLayout",
                    "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
                    "rootLogger.level=INFO",
                    "rootLogger.appenderRef.stdout.ref=STDOUT",
                    "logger.kafka.name=kafka",
                    "logger.kafka.level=WARN",
                    "logger.apache.name=org.apache.kafka",
                    "logger.apache.level=WARN",
                    "logger.state.name=state.change.logger",
                    "logger.state.level=WARN",
                    "logger.started.name=kafka.server.KafkaRaftServer",
                    "logger.started.level=INFO",
                    ""));
        }

        /** SASL/SCRAM, the standard authorizer and its super users, when the cluster is secured. */
        private String securityConfig() {
            if (adminPassword == null) {
                return "# not secured: PLAINTEXT without authorization";
            }
            return String.join(System.lineSeparator(),
                    "sasl.enabled.mechanisms=SCRAM-SHA-512",
                    "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=" + KafkaAcls.jaas("admin", adminPassword),
                    "listener.name.uplink.scram-sha-512.sasl.jaas.config=" + KafkaAcls.jaas("admin", adminPassword),
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    // ANONYMOUS is the brokers' own principal on the loopback-only PLAINTEXT controller listener.
                    "super.users=User:admin;User:ANONYMOUS",
                    "allow.everyone.if.no.acl.found=false");
        }

        @Override
        public void start() {
            List<String> command = new ArrayList<>(jvmOptions(heap, dir().resolve("gc.log"), System.getenv("KANTOR_KAFKA_JAVA_OPTS")));
            command.add(0, ManagedProcess.javaExecutable());
            command.addAll(List.of("-Dlog4j2.configurationFile=" + log4jConfig(),
                    "-cp", Classpath.launcher(), "kafka.Kafka", configFile().toString()));
            process = new ManagedProcess(name(), command, dir(), logFile(), Map.of());
            process.start();
        }

        @Override
        public void awaitHealthy(Duration timeout) {
            process.awaitHealthy(timeout, () -> Ports.listening(brokerPort(index)) && brokerRegistered());
        }

        private boolean brokerRegistered() {
            Properties props = adminConfig();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + brokerPort(index));
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            try (Admin admin = Admin.create(props)) {
                return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == id());
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public boolean healthy() {
            return process != null && process.alive() && Ports.listening(brokerPort(index));
        }

        @Override
        public void stop() {
            if (process != null) {
                process.stop(Duration.ofSeconds(30));
            }
        }

        /** kill -9: the broker gets no chance to hand over leadership or flush. */
        @Override
        public void kill() {
            if (process != null) {
                process.kill();
            }
        }

        @Override
        public OptionalLong pid() {
            return process == null ? OptionalLong.empty() : process.pid();
        }
    }

    /** Starts every node in parallel (a KRaft quorum needs its voters together) and waits for all of them. */
    public void startAll(Duration timeout) {
        format();
        nodeParts.forEach(Node::start);
        nodeParts.parallelStream().forEach(n -> n.awaitHealthy(timeout));
    }

    public void stopAll() {
        nodeParts.parallelStream().forEach(Node::stop);
    }
}
