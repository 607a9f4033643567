package dev.kantor.wallet.persistence;

import java.io.Serializable;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** The next offset of a topic partition, committed with the effects of the records before it. */
@Entity
@Table(name = "consumed_offset")
@IdClass(ConsumedOffset.Key.class)
public class ConsumedOffset extends PanacheEntityBase {

    @Id
    public String topic;

    @Id
    @Column(name = "partition_no")
    public int partitionNo;

    @Column(name = "next_offset")
    public long nextOffset;

    /** The composite identity (topic, partitionNo). */
    public static class Key implements Serializable {
        public String topic;
        public int partitionNo;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && java.util.Objects.equals(topic, key.topic) && java.util.Objects.equals(partitionNo, key.partitionNo);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(topic, partitionNo);
        }
    }
}
