package dev.kantor.gateway.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.WalletUpdated;
import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.persistence.GatewayProjection;
import dev.kantor.service.messaging.DeadLetter;
import dev.kantor.service.messaging.MessageContext;
import dev.kantor.service.messaging.Poison;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordDecoder;
import dev.kantor.service.messaging.SourceRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Feeds the gateway's projection (ownership, outcomes, wallets, rates) and its SSE feed from the topics, a batch at
 * a time: decode (poison to gateway.dlt), one database transaction (GatewayProjection), dead letters sent, then ack.
 * All replicas share one consumer group; the feed's NOTIFY tells every replica what to push to its clients.
 */
@ApplicationScoped
public class GatewayEventsConsumer {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    @Inject
    GatewayProjection projection;

    @Inject
    GatewayConfig config;

    @Inject
    @Channel("gateway-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @ConfigProperty(name = "mp.messaging.incoming.gateway-events.group.id")
    String group;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    String registry;

    private final Clock clock = Clock.systemUTC();
    private RecordDecoder decoder;

    @Inject
    void init() {
        decoder = new RecordDecoder(registry);
    }

    /** A decoded batch and its poison. */
    record Decoded(GatewayProjection.Batch batch, List<Poison> poison) {
    }

    @Incoming("gateway-events")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        // Deferred: a synchronous throw while setting up must still fail the Uni, so the batch is nacked (smallrye#1726).
        return Uni.createFrom().deferred(() -> {
            MessageContext context = MessageContext.current();
            List<SourceRecord> records = SourceRecord.of(batch);
            return context.decode(() -> decode(records), backoff)
                    .chain(decoded -> context.transaction("the gateway projection's database transaction",
                                    () -> projection.apply(decoded.batch(), clock.instant()), backoff)
                            .chain(() -> deadLetter(decoded.poison())))
                    .chain(() -> Uni.createFrom().completionStage(batch.ack()));
        });
    }

    private Decoded decode(List<SourceRecord> records) {
        GatewayProjection.Batch batch = new GatewayProjection.Batch();
        List<Poison> poison = new ArrayList<>();
        for (SourceRecord record : records) {
            try {
                switch (record.topic()) {
                    case "accounts" -> batch.accounts().add(decoder.decode(record, AccountOpened.class));
                    case "transactions" -> batch.approved().add(decoder.decode(record, TransactionApproved.class));
                    case "transactions-rejected" -> batch.rejected().add(decoder.decode(record, TransactionRejected.class));
                    case "wallets" -> batch.wallets().add(decoder.decode(record, WalletUpdated.class));
                    case "rates" -> batch.rates().add(decoder.decode(record, RateQuoted.class));
                    default -> throw new PoisonRecordException("no gateway event comes from topic " + record.topic(), null);
                }
            } catch (PoisonRecordException e) {
                poison.add(new Poison(record, e));
            }
        }
        return new Decoded(batch, poison);
    }

    private Uni<Void> deadLetter(List<Poison> poison) {
        return DeadLetter.sendAll(deadLetters, poison, group, backoff);
    }
}
