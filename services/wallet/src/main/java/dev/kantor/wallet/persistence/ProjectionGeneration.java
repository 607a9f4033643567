package dev.kantor.wallet.persistence;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row counting rebuilds: a replica that sees it grow replays its partitions from the beginning. */
@Entity
@Table(name = "projection_generation")
public class ProjectionGeneration extends PanacheEntityBase {

    @Id
    public int id;

    public long generation;

    @Column(name = "rebuilt_at")
    public Instant rebuiltAt;
}
