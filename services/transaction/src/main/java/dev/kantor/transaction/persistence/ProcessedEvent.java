package dev.kantor.transaction.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A request event this consumer has handled: its id is the technical de-duplication key. */
@Entity
@Table(name = "processed_event")
public class ProcessedEvent extends PanacheEntityBase {

    /** What became of a processed request. */
    public enum Disposition {
        /** It has a stored outcome (approved or rejected). */
        OUTCOME,
        /** It reused a transaction id: it went to the DLT and changed nothing. */
        DUPLICATE
    }

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "transaction_id")
    public String transactionId;

    @Enumerated(EnumType.STRING)
    public Disposition disposition;

    @Column(name = "processed_at")
    public Instant processedAt;
}
