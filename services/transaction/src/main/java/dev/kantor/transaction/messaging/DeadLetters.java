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

    @Inject
    @Channel("transaction-dlt")
    MutinyEmitter<byte[]> emitter;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "mp.messaging.incoming.transaction-requests.group.id")
    String group;

    /** Completes when the broker has the dead letter (acks=all). */
    public Uni<Void> send(SourceRecord record, String reason, Throwable cause) {
        return emitter.sendMessage(DeadLetter.of(record, reason, cause, group))
                .invoke(() -> metrics.counter("kantor.transaction.records", "outcome", "dlt").increment());
    }
}
