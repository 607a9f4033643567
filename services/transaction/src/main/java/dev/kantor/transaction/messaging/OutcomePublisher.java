package dev.kantor.transaction.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.kantor.events.EventHeaders;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.transaction.persistence.StoredOutcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
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

    public Uni<Void> publish(StoredOutcome outcome) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, outcome.eventId.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.EVENT_TYPE, outcome.eventType.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(outcome.accountId).withHeaders(headers).build();
        if ("TransactionApproved".equals(outcome.eventType)) {
            TransactionApproved event = EventCodec.fromBinary(outcome.payload, TransactionApproved.class);
            return approved.sendMessage(Message.of(event).addMetadata(metadata));
        }
        TransactionRejected event = EventCodec.fromBinary(outcome.payload, TransactionRejected.class);
        return rejected.sendMessage(Message.of(event).addMetadata(metadata));
    }
}
