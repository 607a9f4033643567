package dev.kantor.transaction.messaging;


import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.kantor.events.EventBinary;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.service.messaging.EventMessage;
import dev.kantor.transaction.persistence.StoredOutcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Step 2 of the money path: publishes a stored outcome, keyed by account, with its own event id, and waits for acks=all. */
@ApplicationScoped
public class OutcomePublisher {

    @Inject
    @Channel("transactions")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<TransactionApproved> approved;

    @Inject
    @Channel("transactions-rejected")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<TransactionRejected> rejected;

    /** Sends {@code outcome} in the trace of the request that led to it ({@code traceparent}, null: none). */
    public Uni<Void> publish(StoredOutcome outcome, String traceparent) {
        if ("TransactionApproved".equals(outcome.eventType)) {
            TransactionApproved event = outcome.event instanceof TransactionApproved fresh ? fresh
                    : EventBinary.read(outcome.payload, TransactionApproved.class);
            return approved.sendMessage(EventMessage.of(outcome.accountId, outcome.eventId, outcome.eventType, event, traceparent));
        }
        TransactionRejected event = outcome.event instanceof TransactionRejected fresh ? fresh
                : EventBinary.read(outcome.payload, TransactionRejected.class);
        return rejected.sendMessage(EventMessage.of(outcome.accountId, outcome.eventId, outcome.eventType, event, traceparent));
    }
}
