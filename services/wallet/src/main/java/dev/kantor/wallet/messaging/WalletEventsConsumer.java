package dev.kantor.wallet.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.wallet.persistence.Projection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Feeds the wallet projection from the accounts, transactions and rates topics, a batch at a time on the consumer
 * pipeline: decode (poison to wallet.dlt), one database transaction for the batch's effects and offsets
 * (Projection), then ack. The projection's publisher sends WalletUpdated from what the transaction stored.
 */
@ApplicationScoped
public class WalletEventsConsumer implements RecordHandler<SpecificRecord, Projection.Applied> {

    @Inject
    ConsumerPipelines pipelines;

    @Inject
    @Channel("wallet-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @Inject
    Projection projection;

    @Inject
    MeterRegistry metrics;

    private final Clock clock = Clock.systemUTC();
    private ConsumerPipeline<SpecificRecord, Projection.Applied> pipeline;
    private Counter counted;
    private Counter duplicates;

    @PostConstruct
    void init() {
        pipeline = pipelines.create("wallet-events", this, deadLetters);
        counted = metrics.counter("kantor.wallet.transactions", "outcome", "counted");
        duplicates = metrics.counter("kantor.wallet.transactions", "outcome", "duplicate");
    }

    @Incoming("wallet-events")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return pipeline.handle(batch);
    }

    @Override
    public SpecificRecord decode(SourceRecord record) throws PoisonRecordException {
        return switch (record.topic()) {
            case "accounts" -> checked(record, decode(record, AccountOpened.class), AccountOpened::getAccountId);
            case "transactions" -> checked(record, decode(record, TransactionApproved.class), TransactionApproved::getAccountId);
            case "rates" -> checked(record, decode(record, RateQuoted.class), RateQuoted::getPair);
            default -> throw new PoisonRecordException("no wallet event comes from topic " + record.topic(), null);
        };
    }

    private <T extends SpecificRecord> T decode(SourceRecord record, Class<T> type) throws PoisonRecordException {
        return pipelines.decoder().decode(record, type);
    }

    /** What Avro cannot say: the record is keyed as its topic says (account id, or pair for rates). */
    static <T> T checked(SourceRecord record, T event, Function<T, CharSequence> key) throws PoisonRecordException {
        String expected = key.apply(event).toString();
        if (record.key() != null && !record.key().equals(expected)) {
            throw new PoisonRecordException("contract violated: key " + record.key() + " is not " + expected, null);
        }
        return event;
    }

    /** The batch's events and every polled record's next offset (poison included), stored with the effects. */
    @Override
    public Uni<Projection.Applied> apply(DecodedBatch<SpecificRecord> batch) {
        List<AccountOpened> accounts = new ArrayList<>();
        List<TransactionApproved> transactions = new ArrayList<>();
        List<RateQuoted> rates = new ArrayList<>();
        Map<String, String> traces = new HashMap<>();
        for (DecodedBatch.Decoded<SpecificRecord> decoded : batch.events()) {
            switch (decoded.event()) {
                case AccountOpened a -> accounts.add(a);
                case TransactionApproved t -> {
                    transactions.add(t);
                    if (decoded.record().traceparent() != null) {
                        traces.put(t.getTransactionId(), decoded.record().traceparent());
                    }
                }
                case RateQuoted r -> rates.add(r);
                default -> throw new IllegalStateException("decode let through " + decoded.event().getClass());
            }
        }
        Map<String, Map<Integer, Long>> nextOffsets = new HashMap<>();
        for (SourceRecord record : batch.records()) {
            nextOffsets.computeIfAbsent(record.topic(), t -> new HashMap<>()).merge(record.partition(), record.offset() + 1, Math::max);
        }
        return projection.apply(new Projection.Batch(accounts, transactions, rates, nextOffsets, traces), clock.instant());
    }

    /** Nothing to send (WalletPublisher does, from the outbox): counts what the committed transaction did. */
    @Override
    public Uni<Void> publish(Projection.Applied applied) {
        counted.increment(applied.counted());
        duplicates.increment(applied.duplicates());
        return Uni.createFrom().voidItem();
    }
}
