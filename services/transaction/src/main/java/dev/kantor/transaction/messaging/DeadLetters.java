package dev.kantor.transaction.messaging;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.kantor.service.messaging.DeadLetter;
import dev.kantor.service.messaging.SourceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Writes a record the service cannot process to transaction.dlt, with the reason headers of {@link DeadLetter}. */
@ApplicationScoped
public class DeadLetters {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    @Inject
    @Channel("transaction-dlt")
    MutinyEmitter<byte[]> emitter;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "mp.messaging.incoming.transaction-requests.group.id")
    String group;

    /** Completes when the broker has the dead letter (acks=all), retrying as {@link DeadLetter#send} does. */
    public Uni<Void> send(SourceRecord record, String reason, Throwable cause) {
        return DeadLetter.send(emitter, record, reason, cause, group, backoff)
                .invoke(() -> metrics.counter("kantor.transaction.records", "outcome", "dlt").increment());
    }
}
