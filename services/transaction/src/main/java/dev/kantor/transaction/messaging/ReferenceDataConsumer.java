package dev.kantor.transaction.messaging;

import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.kantor.service.messaging.MessageContext;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.transaction.config.TransactionConfig;
import dev.kantor.transaction.persistence.AccountView;
import dev.kantor.transaction.persistence.LatestRate;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps this service's views of accounts and of the latest rate per pair. Both upserts are idempotent, so a
 * redelivered record needs no de-duplication table; an older rate never replaces a newer one.
 */
@ApplicationScoped
public class ReferenceDataConsumer {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    private static final Logger LOG = Logger.getLogger(ReferenceDataConsumer.class);

    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final TransactionConfig config;

    ReferenceDataConsumer(EventCodec codec, DeadLetters deadLetters, TransactionConfig config) {
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Incoming("accounts")
    public Uni<Void> onAccount(Message<byte[]> message) {
        return handle(message, AccountOpened.class, opened -> AccountView.<AccountView>findById(opened.getAccountId())
                .chain(existing -> {
                    AccountView view = existing != null ? existing : new AccountView();
                    view.accountId = opened.getAccountId();
                    view.userId = opened.getUserId();
                    view.baseCurrency = opened.getBaseCurrency();
                    view.updatedAt = opened.getOpenedAt();
                    return existing != null ? Uni.createFrom().voidItem() : view.persist().replaceWithVoid();
                }));
    }

    @Incoming("rates")
    public Uni<Void> onRate(Message<byte[]> message) {
        return handle(message, RateQuoted.class, quoted -> LatestRate.<LatestRate>findById(quoted.getPair())
                .chain(existing -> {
                    if (existing != null && !existing.quotedAt.isBefore(quoted.getQuotedAt())) {
                        return Uni.createFrom().voidItem();
                    }
                    LatestRate rate = existing != null ? existing : new LatestRate();
                    rate.pair = quoted.getPair();
                    rate.rate = quoted.getRate();
                    rate.quotedAt = quoted.getQuotedAt();
                    return existing != null ? Uni.createFrom().voidItem() : rate.persist().replaceWithVoid();
                }));
    }

    /** Decode (poison to the DLT), upsert in one transaction, then ack; transient failures are retried, never acked. */
    private <T extends org.apache.avro.specific.SpecificRecord> Uni<Void> handle(Message<byte[]> message, Class<T> type,
            Function<T, Uni<Void>> upsert) {
        return Uni.createFrom().deferred(() -> {
            MessageContext context = MessageContext.current();
            SourceRecord record = SourceRecord.of(message);
            return context.decode(() -> decodeOrNull(record, type), backoff)
                    .chain(event -> event == null
                            ? deadLetters.send(record, "undecodable " + type.getSimpleName(), null)
                            : context.transaction("updating the " + record.topic() + " view",
                                    () -> upsert.apply(event), backoff))
                    .chain(() -> Uni.createFrom().completionStage(message.ack()));
        });
    }

    private <T extends org.apache.avro.specific.SpecificRecord> T decodeOrNull(SourceRecord record, Class<T> type) {
        try {
            return codec.decode(record, type);
        } catch (PoisonRecordException e) {
            LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return null;
        }
    }
}
