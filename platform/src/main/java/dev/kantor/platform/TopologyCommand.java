package dev.kantor.platform;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

import dev.kantor.topology.Topology;

/**
 * {@code kantor topology plan|apply}: the topology as code against any cluster, as kafka-gitops does it. The plan is
 * what the declarations (kantor-topology.yaml and the services' channels) and the cluster disagree on; apply makes
 * exactly those changes, deleting only with --allow-delete.
 */
public final class TopologyCommand {

    /** Exit codes: in sync or applied; something failed or cannot be repaired; usage; the plan has changes (for CI). */
    public static final int IN_SYNC = 0;
    public static final int FAILED = 1;
    public static final int USAGE_ERROR = 2;
    public static final int CHANGES = 3;

    static final String USAGE = """
            usage: kantor topology plan|apply [--bootstrap HOST:PORT] [--command-config FILE] [--topology exchange|vessel]
                                              [--allow-delete] [--kafka-user USER --kafka-password PASSWORD]
              plan     what would change on the cluster: topics missing, partitions to raise, configs that differ, and the
                       services' ACLs missing or extra (of the principals User:<service> only); undeclared topics and extra
                       ACLs are listed as kept unless --allow-delete
              apply    makes exactly the changes plan shows and prints each one done or FAILED
              --command-config  Kafka client properties (security.protocol, sasl.*, ssl.*), as kafka-topics.sh takes them
              --topology        exchange (kantor-topology.yaml and the services' ACLs, the default) or vessel
                                (fleet-vessel-topology.yaml, topics only)
              --allow-delete    also delete undeclared topics (not Kafka's, Streams' or MirrorMaker's own) and extra ACLs
              replication of new topics and min.insync.replicas follow the cluster: 1 broker 1/1, 3 or more 3/2
              endpoints default to the running platform of KANTOR_HOME, else the KANTOR_* ports, as for kantor audit
              exit 0 nothing to change (plan) or all applied; 3 plan found changes; 1 a change failed, a difference no
              change can repair (fewer partitions declared than the cluster has), or the cluster cannot be read; 2 usage""";

    private TopologyCommand() {
    }

    /** The parsed command line. */
    record Request(boolean apply, boolean allowDelete, boolean vessel, Map<String, Object> clientConfig, String where) {

        static Request parse(List<String> args, PlatformConfig config) {
            List<String> rest = new ArrayList<>();
            DltTarget endpoints = DltTarget.parse(args, config, rest);
            if (rest.isEmpty() || !List.of("plan", "apply").contains(rest.get(0))) {
                throw new IllegalArgumentException("say plan or apply");
            }
            boolean apply = rest.get(0).equals("apply");
            boolean allowDelete = false;
            boolean vessel = false;
            Properties commandConfig = null;
            for (int i = 1; i < rest.size(); i++) {
                String word = rest.get(i);
                switch (word) {
                    case "--allow-delete" -> allowDelete = true;
                    case "--topology", "--command-config" -> {
                        if (i + 1 >= rest.size()) {
                            throw new IllegalArgumentException(word + " needs a value");
                        }
                        String value = rest.get(++i);
                        if (word.equals("--command-config")) {
                            commandConfig = load(Path.of(value));
                        } else if (value.equals("exchange") || value.equals("vessel")) {
                            vessel = value.equals("vessel");
                        } else {
                            throw new IllegalArgumentException("--topology is exchange or vessel, not " + value);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown " + (word.startsWith("--") ? "option " : "word ") + word);
                }
            }
            if (commandConfig != null && args.contains("--kafka-user")) {
                throw new IllegalArgumentException("--command-config and --kafka-user are alternatives: give one");
            }
            Map<String, Object> client = new HashMap<>();
            // A properties file says all about security: the local platform's default login must not mix into it.
            if (commandConfig == null) {
                client.putAll(endpoints.kafkaSecurity());
            } else {
                commandConfig.forEach((key, value) -> client.put((String) key, value));
            }
            client.put("bootstrap.servers", endpoints.bootstrapServers());
            client.put("client.id", "kantor-topology");
            client.putIfAbsent("default.api.timeout.ms", 30_000);
            client.putIfAbsent("request.timeout.ms", 10_000);
            boolean secured = client.containsKey("security.protocol") && !"PLAINTEXT".equals(client.get("security.protocol"));
            return new Request(apply, allowDelete, vessel, client, endpoints.bootstrapServers() + (secured ? " (" + client.get("security.protocol") + ")" : ""));
        }

        private static Properties load(Path file) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --command-config " + file + ": " + e.getMessage());
            }
            return properties;
        }
    }

    /** The command line: prints the plan, or what apply did; see {@link #USAGE} for the exit codes. */
    public static int command(List<String> args, PlatformConfig config, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return IN_SYNC;
        }
        Request request;
        try {
            request = Request.parse(args, config);
        } catch (IllegalArgumentException e) {
            err.println("kantor topology: " + e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
        try (Admin admin = Admin.create(request.clientConfig())) {
            return run(admin, request, out);
        } catch (PlatformException | KafkaException e) {
            err.println("kantor topology: " + e.getMessage());
            return FAILED;
        }
    }

    private static int run(Admin admin, Request request, PrintStream out) {
        Topology topology = request.vessel() ? Topology.vessel() : Topology.load();
        int brokers = brokers(admin, request);
        ReplicationProfile replication = ReplicationProfile.forBrokers(brokers);
        TopologyDiff.Desired desired = request.vessel() ? TopologyDiff.Desired.topicsOnly(topology, replication)
                : KafkaAcls.desired(topology, replication);
        TopologyApplier applier = new TopologyApplier(admin, replication);
        TopologyPlan plan = applier.plan(desired, request.allowDelete());
        out.println("topology " + (request.apply() ? "apply" : "plan") + ": " + (request.vessel() ? Topology.VESSEL_RESOURCE
                : Topology.RESOURCE + " and the services' ACLs") + " against " + request.where() + ", " + brokers
                + (brokers == 1 ? " broker" : " brokers") + " (new topics: replication " + replication.replicationFactor()
                + ", min.insync.replicas " + replication.minInsyncReplicas() + ")");
        if (!request.apply()) {
            plan.lines().forEach(out::println);
            return !plan.problems().isEmpty() ? FAILED : plan.changes().isEmpty() ? IN_SYNC : CHANGES;
        }
        List<TopologyApplier.Outcome> outcomes = applier.execute(plan);
        outcomes.forEach(o -> out.println(o.describe()));
        plan.problems().forEach(p -> out.println("! " + p));
        plan.kept().forEach(c -> out.println("  (kept, --allow-delete deletes) " + c.describe()));
        plan.notes().forEach(n -> out.println("  note: " + n));
        long failed = outcomes.stream().filter(TopologyApplier.Outcome::failed).count();
        out.println(outcomes.isEmpty() ? "nothing to change" : "applied " + (outcomes.size() - failed) + " of " + outcomes.size()
                + (outcomes.size() == 1 ? " change" : " changes") + (failed == 0 ? "" : ", " + failed + " FAILED"));
        return failed == 0 && plan.problems().isEmpty() ? IN_SYNC : FAILED;
    }

    /**
     * How many brokers the cluster has: those that answer, or more if a topic is already replicated wider. With one
     * of three brokers down, counting only the live ones would plan min.insync.replicas down to 1 on every topic and
     * create new topics unreplicated, during an outage, when an operator is most likely to run this.
     */
    private static int brokers(Admin admin, Request request) {
        try {
            int live = admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS).size();
            java.util.Set<String> names = admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS);
            int widest = names.isEmpty() ? 0 : admin.describeTopics(names).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .values().stream().flatMap(t -> t.partitions().stream()).mapToInt(p -> p.replicas().size()).max().orElse(0);
            return Math.max(live, widest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PlatformException("cannot reach the cluster at " + request.where() + ": no answer within 30 s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new PlatformException("cannot reach the cluster at " + request.where() + ": " + e.getCause().getMessage(), e);
        }
    }
}
