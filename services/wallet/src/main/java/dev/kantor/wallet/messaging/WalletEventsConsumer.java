package dev.kantor.wallet.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.service.messaging.DeadLetter;
import dev.kantor.service.messaging.MessageContext;
import dev.kantor.service.messaging.Poison;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordDecoder;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.wallet.config.WalletConfig;
import dev.kantor.wallet.persistence.Projection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Feeds the wallet projection from the accounts, transactions and rates topics, a batch at a time: decode (poison to
 * wallet.dlt), one database transaction for the batch's effects and offsets (Projection), the dead letters sent and
 * acknowledged by the broker, then ack. A transient failure is retried with back-off and never acked as done.
 */
@ApplicationScoped
public class WalletEventsConsumer {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    @Inject
    Projection projection;

    @Inject
    WalletConfig config;

    @Inject
    @Channel("wallet-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @ConfigProperty(name = "mp.messaging.incoming.wallet-events.group.id")
    String group;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    String registry;

    private final Clock clock = Clock.systemUTC();
    private RecordDecoder decoder;
    private Counter counted;
    private Counter duplicates;
    private Counter dead;

    /** Runs after field injection (CDI initializer method), so the registry address is known. */
    @Inject
    void init(MeterRegistry metrics) {
        decoder = new RecordDecoder(registry);
        counted = metrics.counter("kantor.wallet.transactions", "outcome", "counted");
        duplicates = metrics.counter("kantor.wallet.transactions", "outcome", "duplicate");
        dead = metrics.counter("kantor.wallet.dlt");
    }

    /** A decoded batch and the records that could not be decoded, with why. */
    record Decoded(Projection.Batch batch, List<Poison> poison) {
    }

    @Incoming("wallet-events")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        // Deferred: a synchronous throw while setting up must still fail the Uni, so the batch is nacked (smallrye#1726).
        return Uni.createFrom().deferred(() -> {
            MessageContext context = MessageContext.current();
            List<SourceRecord> records = SourceRecord.of(batch);
            return context.decode(() -> decode(records), backoff)
                    .chain(decoded -> context.transaction("the wallet projection's database transaction",
                                    () -> projection.apply(decoded.batch(), clock.instant()), backoff)
                            .invoke(applied -> {
                                counted.increment(applied.counted());
                                duplicates.increment(applied.duplicates());
                            })
                            .chain(() -> deadLetter(decoded.poison())))
                    .chain(() -> Uni.createFrom().completionStage(batch.ack()));
        });
    }

    private Decoded decode(List<SourceRecord> records) {
        List<AccountOpened> accounts = new ArrayList<>();
        List<TransactionApproved> transactions = new ArrayList<>();
        List<RateQuoted> rates = new ArrayList<>();
        List<Poison> poison = new ArrayList<>();
        Map<String, Map<Integer, Long>> nextOffsets = new HashMap<>();
        for (SourceRecord record : records) {
            nextOffsets.computeIfAbsent(record.topic(), t -> new HashMap<>()).merge(record.partition(), record.offset() + 1, Math::max);
            try {
                switch (record.topic()) {
                    case "accounts" -> accounts.add(checked(record, decode(record, AccountOpened.class), AccountOpened::getAccountId));
                    case "transactions" -> transactions.add(checked(record, decode(record, TransactionApproved.class), TransactionApproved::getAccountId));
                    case "rates" -> rates.add(checked(record, decode(record, RateQuoted.class), RateQuoted::getPair));
                    default -> throw new PoisonRecordException("no wallet event comes from topic " + record.topic(), null);
                }
            } catch (PoisonRecordException e) {
                poison.add(new Poison(record, e));
            }
        }
        return new Decoded(new Projection.Batch(accounts, transactions, rates, nextOffsets), poison);
    }

    private <T extends SpecificRecord> T decode(SourceRecord record, Class<T> type) throws PoisonRecordException {
        return decoder.decode(record, type);
    }

    /** What Avro cannot say: the record is keyed as its topic says (account id, or pair for rates). */
    static <T> T checked(SourceRecord record, T event, java.util.function.Function<T, CharSequence> key) throws PoisonRecordException {
        String expected = key.apply(event).toString();
        if (record.key() != null && !record.key().equals(expected)) {
            throw new PoisonRecordException("contract violated: key " + record.key() + " is not " + expected, null);
        }
        return event;
    }

    private Uni<Void> deadLetter(List<Poison> poison) {
        return DeadLetter.sendAll(deadLetters, poison, group, backoff)
                .invoke(() -> dead.increment(poison.size()));
    }
}
