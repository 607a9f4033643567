package dev.kantor.service.pipeline;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * Stands for the broker behind the ledger's two outgoing channels: it takes a message (ack, so the emitter's send
 * completes) or, while {@link Faults} says so, refuses it (nack, so the send fails as an unreachable broker's would).
 */
@Singleton
public class TestBroker {

    @Inject
    Faults faults;

    final List<Message<String>> published = new CopyOnWriteArrayList<>();
    final List<Message<byte[]>> deadLetters = new CopyOnWriteArrayList<>();

    @Incoming("ledger-out")
    CompletionStage<Void> publish(Message<String> message) {
        if (Faults.take(faults.publish)) {
            faults.journal.add("publish-failed:" + message.getPayload());
            return message.nack(new IllegalStateException("broker unreachable"));
        }
        java.util.concurrent.CompletableFuture<Void> gate = faults.held.get(message.getPayload());
        if (gate != null) {
            faults.journal.add("publish-held:" + message.getPayload());
            return gate.thenCompose(ignored -> take(message));
        }
        return take(message);
    }

    private CompletionStage<Void> take(Message<String> message) {
        published.add(message);
        faults.journal.add("published:" + message.getPayload());
        return message.ack();
    }

    @Incoming("ledger-dlt")
    CompletionStage<Void> deadLetter(Message<byte[]> message) {
        String key = String.valueOf(message.getMetadata(io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata.class)
                .orElseThrow().getKey());
        if (Faults.take(faults.deadLetter)) {
            faults.journal.add("dead-letter-failed:" + key);
            return message.nack(new IllegalStateException("broker unreachable"));
        }
        deadLetters.add(message);
        faults.journal.add("dead-lettered:" + key);
        return message.ack();
    }
}
