package dev.kantor.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.TopicConfig;

import dev.kantor.topology.Topology;

/**
 * The difference between what is declared and what a cluster holds, without a broker: the one place that decides
 * what `kantor topology plan` shows, what `apply` and `kantor up` change, and what they must never touch.
 */
public final class TopologyDiff {

    /**
     * What should be on the cluster.
     *
     * @param principals the principals whose ACLs are managed (User:account ...): their undeclared ACLs are extra;
     *                   other principals' ACLs are not looked at
     * @param unmanaged  undeclared topics that are someone else's and never extra (Kafka's, Streams', MirrorMaker's)
     */
    public record Desired(Topology topology, ReplicationProfile replication, Set<String> principals, Set<AclBinding> acls,
            Predicate<String> unmanaged) {

        /** The topology's topics and the given principals' ACLs, with the platform's rule for topics it does not own. */
        public static Desired of(Topology topology, ReplicationProfile replication, Set<String> principals, Set<AclBinding> acls) {
            return new Desired(topology, replication, Set.copyOf(principals), Set.copyOf(acls), TopologyDiff::notOurs);
        }

        /** Topics only: nothing about ACLs (the vessel's cluster; the unsecured local platform). */
        public static Desired topicsOnly(Topology topology, ReplicationProfile replication) {
            return of(topology, replication, Set.of(), Set.of());
        }
    }

    private TopologyDiff() {
    }

    /**
     * Topics that exist for reasons the topology does not declare: Kafka's and Connect's internal ones (leading
     * underscore), Kafka Streams' changelogs and repartition topics, MirrorMaker 2's own topics, and the topics it
     * mirrors from a vessel (vessel1.reefer-readings). Deleting any of them would break what made them.
     */
    static boolean notOurs(String topic) {
        if (topic.startsWith("_") || topic.endsWith("-changelog") || topic.endsWith("-repartition") || topic.equals("heartbeats")
                || topic.startsWith("mm2-") || topic.endsWith(".internal") || topic.endsWith(".heartbeats")) {
            return true;
        }
        int dot = topic.indexOf('.');
        return dot > 0 && VESSEL_TOPICS.contains(topic.substring(dot + 1));
    }

    private static final Set<String> VESSEL_TOPICS = Set.copyOf(Topology.vessel().topics().stream().map(Topology.TopicSpec::name).toList());

    /** The plan; extras become deletions only when {@code allowDelete}, else they are listed as kept. */
    public static TopologyPlan diff(Desired desired, ClusterState cluster, boolean allowDelete) {
        List<TopologyPlan.Change> changes = new ArrayList<>();
        List<TopologyPlan.Change> extras = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Topology.TopicSpec spec : desired.topology().topics()) {
            Map<String, String> wanted = config(spec, desired.replication());
            Integer current = cluster.partitions().get(spec.name());
            if (current == null) {
                changes.add(new TopologyPlan.CreateTopic(spec.name(), spec.partitions(), desired.replication().replicationFactor(), wanted));
                continue;
            }
            if (current < spec.partitions()) {
                changes.add(new TopologyPlan.AddPartitions(spec.name(), current, spec.partitions()));
            } else if (current > spec.partitions()) {
                problems.add("topic " + spec.name() + " has " + current + " partitions, more than the " + spec.partitions()
                        + " declared: Kafka cannot remove partitions; raise the declaration (or recreate the topic, losing its data)");
            }
            Map<String, String> actual = cluster.configs().getOrDefault(spec.name(), Map.of());
            new java.util.TreeMap<>(wanted).forEach((key, value) -> {
                if (!value.equals(actual.get(key))) {
                    changes.add(new TopologyPlan.SetConfig(spec.name(), key, actual.get(key), value));
                }
            });
        }
        Set<String> declared = Set.copyOf(desired.topology().topics().stream().map(Topology.TopicSpec::name).toList());
        cluster.partitions().keySet().stream().sorted()
                .filter(topic -> !declared.contains(topic) && !desired.unmanaged().test(topic))
                .forEach(topic -> extras.add(new TopologyPlan.DeleteTopic(topic)));
        if (cluster.acls().isEmpty()) {
            if (!desired.acls().isEmpty()) {
                notes.add("ACLs not compared: the cluster has no authorizer (a broker without SASL and ACLs, as ./kantor up without --secure)");
            }
        } else {
            Set<AclBinding> actual = cluster.acls().get();
            desired.acls().stream().filter(acl -> !actual.contains(acl)).sorted(ORDER)
                    .forEach(acl -> changes.add(new TopologyPlan.CreateAcl(acl)));
            actual.stream().filter(acl -> desired.principals().contains(acl.entry().principal()) && !desired.acls().contains(acl))
                    .sorted(ORDER).forEach(acl -> extras.add(new TopologyPlan.DeleteAcl(acl)));
        }
        if (allowDelete) {
            // ACLs first: a principal should lose its rights on a topic before the topic goes.
            extras.stream().filter(TopologyPlan.DeleteAcl.class::isInstance).forEach(changes::add);
            extras.stream().filter(TopologyPlan.DeleteTopic.class::isInstance).forEach(changes::add);
            return new TopologyPlan(changes, List.of(), problems, notes);
        }
        return new TopologyPlan(changes, extras, problems, notes);
    }

    /** The configs a topic must have: its declared ones, and min.insync.replicas from the cluster's replication. */
    static Map<String, String> config(Topology.TopicSpec spec, ReplicationProfile replication) {
        Map<String, String> config = new HashMap<>(spec.config());
        config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replication.minInsyncReplicas()));
        return config;
    }

    private static final Comparator<AclBinding> ORDER = Comparator.comparing(KafkaAcls::describe);
}
