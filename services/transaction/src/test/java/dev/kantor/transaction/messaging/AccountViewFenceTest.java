package dev.kantor.transaction.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;


/** When the accounts view counts as caught up: every partition's committed offset at or past the end read before. */
class AccountViewFenceTest {

    static final TopicPartition P0 = new TopicPartition("accounts", 0);
    static final TopicPartition P1 = new TopicPartition("accounts", 1);

    @Test
    void caughtUpOnlyWhenEveryPartitionHasReachedItsEnd() {
        assertTrue(AccountViewFence.caughtUp(Map.of(P0, 5L, P1, 3L), Map.of(P0, 5L, P1, 4L)));
        assertFalse(AccountViewFence.caughtUp(Map.of(P0, 5L, P1, 3L), Map.of(P0, 5L, P1, 2L)), "one partition behind");
    }

    @Test
    void aPartitionTheGroupNeverCommittedIsAtZero() {
        assertTrue(AccountViewFence.caughtUp(Map.of(P0, 0L, P1, 2L), Map.of(P1, 2L)), "an empty partition needs no commit");
        assertFalse(AccountViewFence.caughtUp(Map.of(P0, 1L, P1, 2L), Map.of(P1, 2L)), "a record on a partition never committed");
    }
}
