package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TopologyTest {

    private final Topology topology = Topology.load();

    @Test
    void declaresEveryTopicOfThePlatform() {
        assertEquals(List.of("account-requests", "accounts", "transaction-requests", "transactions",
                "transactions-rejected", "rates", "wallets", "account.dlt", "transaction.dlt", "wallet.dlt", "gateway.dlt"),
                topology.topics().stream().map(Topology.TopicSpec::name).toList());
    }

    @Test
    void stateTopicsAreCompactedAndHistoryTopicsHaveARetention() {
        Set<String> compacted = Set.of("accounts", "rates", "wallets");
        for (Topology.TopicSpec topic : topology.topics()) {
            String policy = topic.config().get("cleanup.policy");
            if (compacted.contains(topic.name())) {
                assertEquals("compact", policy, topic.name());
            } else {
                assertEquals("delete", policy, topic.name());
                assertTrue(Long.parseLong(topic.config().get("retention.ms")) > 0, topic.name());
            }
        }
    }

    @Test
    void replicationFollowsTheNumberOfBrokers() {
        assertEquals(new ReplicationProfile((short) 1, 1), ReplicationProfile.forBrokers(1));
        assertEquals(new ReplicationProfile((short) 3, 2), ReplicationProfile.forBrokers(3));
        TopologyApplier applier = new TopologyApplier(null, ReplicationProfile.forBrokers(3));
        assertEquals("2", applier.desiredConfig(topology.topic("transactions")).get("min.insync.replicas"));
    }
}
