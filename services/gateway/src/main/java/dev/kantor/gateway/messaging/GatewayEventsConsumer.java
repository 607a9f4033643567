package dev.kantor.gateway.messaging;

import java.time.Clock;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.WalletUpdated;
import dev.kantor.gateway.persistence.GatewayProjection;
import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Feeds the gateway's projection (ownership, outcomes, wallets, rates) and its SSE feed from the topics, a batch at
 * a time on the consumer pipeline: decode (poison to gateway.dlt), one database transaction (GatewayProjection),
 * then ack. All replicas share one consumer group; the feed's NOTIFY tells every replica what to push to its clients.
 */
@ApplicationScoped
public class GatewayEventsConsumer implements RecordHandler<SpecificRecord, Void> {

    @Inject
    ConsumerPipelines pipelines;

    @Inject
    @Channel("gateway-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @Inject
    GatewayProjection projection;

    private final Clock clock = Clock.systemUTC();
    private ConsumerPipeline<SpecificRecord, Void> pipeline;

    @PostConstruct
    void init() {
        pipeline = pipelines.create("gateway-events", this, deadLetters);
    }

    @Incoming("gateway-events")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return pipeline.handle(batch);
    }

    @Override
    public SpecificRecord decode(SourceRecord record) throws PoisonRecordException {
        return switch (record.topic()) {
            case "accounts" -> pipelines.decoder().decode(record, AccountOpened.class);
            case "transactions" -> pipelines.decoder().decode(record, TransactionApproved.class);
            case "transactions-rejected" -> pipelines.decoder().decode(record, TransactionRejected.class);
            case "wallets" -> pipelines.decoder().decode(record, WalletUpdated.class);
            case "rates" -> pipelines.decoder().decode(record, RateQuoted.class);
            default -> throw new PoisonRecordException("no gateway event comes from topic " + record.topic(), null);
        };
    }

    @Override
    public Uni<Void> apply(DecodedBatch<SpecificRecord> decoded) {
        GatewayProjection.Batch batch = new GatewayProjection.Batch();
        for (DecodedBatch.Decoded<SpecificRecord> d : decoded.events()) {
            switch (d.event()) {
                case AccountOpened a -> batch.accounts().add(a);
                case TransactionApproved t -> batch.approved().add(t);
                case TransactionRejected t -> batch.rejected().add(t);
                case WalletUpdated w -> batch.wallets().add(w);
                case RateQuoted r -> batch.rates().add(r);
                default -> throw new IllegalStateException("decode let through " + d.event().getClass());
            }
        }
        return projection.apply(batch, clock.instant());
    }
}
