package dev.kantor.service.pipeline;

import java.math.BigDecimal;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One applied event of the test ledger, by its event id: a second row for the same event would be a double apply. */
@Entity
@Table(name = "pipeline_test_ledger")
public class LedgerEntry extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;

    public String account;

    public BigDecimal amount;
}
