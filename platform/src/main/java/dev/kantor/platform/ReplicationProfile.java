package dev.kantor.platform;

/** Replication settings that follow from the number of brokers: factor 1 locally, 3 with min.insync.replicas 2 in HA. */
public record ReplicationProfile(short replicationFactor, int minInsyncReplicas) {

    public static ReplicationProfile forBrokers(int brokers) {
        return brokers >= 3 ? new ReplicationProfile((short) 3, 2) : new ReplicationProfile((short) 1, 1);
    }
}
