package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.kantor.topology.Topology;

/** The replication the launcher gives the declared topics, by the number of brokers it runs. */
class ReplicationProfileTest {

    final Topology topology = Topology.load();

    @Test
    void replicationFollowsTheNumberOfBrokers() {
        assertEquals(new ReplicationProfile((short) 1, 1), ReplicationProfile.forBrokers(1));
        assertEquals(new ReplicationProfile((short) 3, 2), ReplicationProfile.forBrokers(3));
        TopologyApplier applier = new TopologyApplier(null, ReplicationProfile.forBrokers(3));
        assertEquals("2", applier.desiredConfig(topology.topic("transactions")).get("min.insync.replicas"));
    }
}
