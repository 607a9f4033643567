package dev.kantor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TopologyTest {

    private final Topology topology = Topology.load();

    @Test
    void declaresEveryTopicOfThePlatform() {
        assertEquals(List.of("account-requests", "accounts", "transaction-requests", "transactions",
                "transactions-rejected", "rates", "wallets", "account.dlt", "transaction.dlt", "wallet.dlt", "gateway.dlt",
                "kantor.dlt-replays"),
                topology.topics().stream().map(Topology.TopicSpec::name).toList());
    }

    @Test
    void stateTopicsAreCompactedAndHistoryTopicsHaveARetention() {
        Set<String> compacted = Set.of("accounts", "rates", "wallets", "kantor.dlt-replays");
        Set<String> keptForever = Set.of("transactions", "transactions-rejected");
        for (Topology.TopicSpec topic : topology.topics()) {
            String policy = topic.config().get("cleanup.policy");
            long retention = Long.parseLong(topic.config().getOrDefault("retention.ms", "0"));
            if (compacted.contains(topic.name())) {
                assertEquals("compact", policy, topic.name());
            } else if (keptForever.contains(topic.name())) {
                assertEquals("delete", policy, topic.name());
                assertEquals(-1, retention, topic.name());
            } else {
                assertEquals("delete", policy, topic.name());
                assertTrue(retention > 0, topic.name());
            }
        }
    }

    /**
     * A projection rebuilt by replaying its topics is only right if they still hold everything: each topic the wallet
     * and the gateway read is compacted (its latest record per key is the state) or never deletes (retention -1).
     */
    @Test
    void everyTopicAProjectionIsRebuiltFromKeepsItsHistory() {
        for (String projection : List.of("wallet", "gateway")) {
            Set<String> reads = ServiceChannels.of(projection).reads();
            assertTrue(reads.contains("transactions"), projection + " reads " + reads);
            for (String name : reads) {
                Map<String, String> config = topology.topic(name).config();
                boolean keeps = "compact".equals(config.get("cleanup.policy")) || "-1".equals(config.get("retention.ms"));
                assertTrue(keeps, projection + " is rebuilt from " + name + ", which deletes history: " + config);
            }
        }
    }
}
