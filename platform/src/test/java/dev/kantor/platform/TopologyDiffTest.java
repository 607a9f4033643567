package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import dev.kantor.topology.Topology;

/** The plan without a broker: what differs is listed once, what matches or is not ours is not. */
class TopologyDiffTest {

    static final Topology TOPOLOGY = Topology.load();
    static final ReplicationProfile ONE = ReplicationProfile.forBrokers(1);
    static final TopologyDiff.Desired DESIRED = KafkaAcls.desired(TOPOLOGY, ONE);

    static final AclBinding ACCOUNT_WRITES_ACCOUNTS = acl("User:account", ResourceType.TOPIC, "accounts", AclOperation.WRITE);
    static final AclBinding RATE_WRITES_ACCOUNTS = acl("User:rate", ResourceType.TOPIC, "accounts", AclOperation.WRITE);
    static final AclBinding OPERATOR_READS_ACCOUNTS = acl("User:ops", ResourceType.TOPIC, "accounts", AclOperation.READ);

    /** A cluster exactly as declared, with every ACL, plus what other tools made there. */
    static Mutable inSync() {
        Mutable cluster = new Mutable();
        for (Topology.TopicSpec spec : TOPOLOGY.topics()) {
            cluster.partitions.put(spec.name(), spec.partitions());
            Map<String, String> config = new HashMap<>(TopologyDiff.config(spec, ONE));
            config.put("segment.bytes", "1073741824"); // undeclared configs are the broker's business
            cluster.configs.put(spec.name(), config);
        }
        cluster.acls.addAll(DESIRED.acls());
        cluster.acls.add(OPERATOR_READS_ACCOUNTS);
        List.of("__consumer_offsets", "_schemas", "fleet-analytics-reefer-store-changelog", "fleet-analytics-x-repartition", "heartbeats",
                "mm2-offset-syncs.vessel1.internal", "vessel1.reefer-readings", "vessel1.checkpoints.internal")
                .forEach(t -> cluster.partitions.put(t, 1));
        return cluster;
    }

    @Test
    void aClusterAsDeclaredNeedsNothing() {
        TopologyPlan plan = TopologyDiff.diff(DESIRED, inSync().state(), true);
        assertTrue(plan.inSync(), plan.lines().toString());
        assertEquals(List.of("nothing to change"), plan.lines());
    }

    @Test
    void everyDifferenceIsListedOnceAndExtrasAreKeptWithoutTheFlag() {
        Mutable cluster = inSync();
        cluster.partitions.remove("gateway.dlt");
        cluster.configs.remove("gateway.dlt");
        cluster.partitions.put("rates", 1);
        cluster.configs.get("account.dlt").put("retention.ms", "1000");
        cluster.configs.get("transactions").remove("min.insync.replicas");
        cluster.acls.remove(ACCOUNT_WRITES_ACCOUNTS);
        cluster.acls.add(RATE_WRITES_ACCOUNTS);
        cluster.partitions.put("scratch", 1);

        TopologyPlan plan = TopologyDiff.diff(DESIRED, cluster.state(), false);

        assertEquals(List.of(
                "~ topic transactions min.insync.replicas: unset -> 1", // in the order kantor-topology.yaml declares them
                "~ topic rates partitions: 1 -> 3",
                "~ topic account.dlt retention.ms: 1000 -> 2592000000",
                "+ topic gateway.dlt (1 partitions, replication 1, {cleanup.policy=delete, min.insync.replicas=1, retention.ms=2592000000})",
                "+ acl User:account ALLOW WRITE topic accounts",
                "  (kept, --allow-delete deletes) - topic scratch",
                "  (kept, --allow-delete deletes) - acl User:rate ALLOW WRITE topic accounts",
                "5 changes"), plan.lines());
    }

    @Test
    void withTheFlagExtrasAreDeletedACLsBeforeTopics() {
        Mutable cluster = inSync();
        cluster.acls.add(RATE_WRITES_ACCOUNTS);
        cluster.partitions.put("scratch", 1);

        TopologyPlan plan = TopologyDiff.diff(DESIRED, cluster.state(), true);

        assertEquals(List.of("- acl User:rate ALLOW WRITE topic accounts", "- topic scratch", "2 changes"), plan.lines());
        assertEquals(List.of(), plan.kept());
    }

    @Test
    void morePartitionsThanDeclaredIsAProblemNotAChange() {
        Mutable cluster = inSync();
        cluster.partitions.put("wallets", 6);

        TopologyPlan plan = TopologyDiff.diff(DESIRED, cluster.state(), true);

        assertEquals(List.of(), plan.changes());
        assertEquals(1, plan.problems().size());
        assertTrue(plan.problems().get(0).startsWith("topic wallets has 6 partitions, more than the 3 declared"), plan.problems().get(0));
        assertTrue(!plan.inSync());
    }

    @Test
    void withoutAnAuthorizerACLsAreANoteNotAChange() {
        Mutable cluster = inSync();
        cluster.authorizer = false;

        TopologyPlan plan = TopologyDiff.diff(DESIRED, cluster.state(), true);

        assertTrue(plan.inSync());
        assertEquals(1, plan.notes().size());
        assertTrue(plan.notes().get(0).startsWith("ACLs not compared"), plan.notes().get(0));
    }

    @Test
    void newTopicsAndMinInsyncFollowTheClustersBrokers() {
        TopologyDiff.Desired three = TopologyDiff.Desired.topicsOnly(TOPOLOGY, ReplicationProfile.forBrokers(3));
        Mutable empty = new Mutable();

        TopologyPlan plan = TopologyDiff.diff(three, empty.state(), false);

        assertEquals(TOPOLOGY.topics().size(), plan.changes().size());
        TopologyPlan.CreateTopic transactions = (TopologyPlan.CreateTopic) plan.changes().get(3);
        assertEquals(new TopologyPlan.CreateTopic("transactions", 3, (short) 3,
                Map.of("cleanup.policy", "delete", "retention.ms", "-1", "min.insync.replicas", "2")), transactions);
    }

    @Test
    void theServicesACLsAreTheirChannels() {
        Set<AclBinding> acls = DESIRED.acls();
        assertTrue(acls.contains(acl("User:account", ResourceType.TOPIC, "account-requests", AclOperation.READ)));
        assertTrue(acls.contains(acl("User:account", ResourceType.TOPIC, "account-requests", AclOperation.DESCRIBE)));
        assertTrue(acls.contains(ACCOUNT_WRITES_ACCOUNTS));
        assertTrue(acls.contains(acl("User:account", ResourceType.GROUP, "account-service", AclOperation.READ)));
        assertTrue(!acls.contains(RATE_WRITES_ACCOUNTS));
        assertEquals(Set.of("User:account", "User:rate", "User:transaction", "User:wallet", "User:gateway"), DESIRED.principals());
    }

    static AclBinding acl(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** A cluster's state a test can change before freezing it. */
    static final class Mutable {
        final Map<String, Integer> partitions = new HashMap<>();
        final Map<String, Map<String, String>> configs = new HashMap<>();
        final Set<AclBinding> acls = new HashSet<>();
        boolean authorizer = true;

        ClusterState state() {
            return new ClusterState(1, partitions, configs, authorizer ? Optional.of(acls) : Optional.empty());
        }
    }
}
