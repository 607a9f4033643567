package dev.kantor.transaction.messaging;

import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.transaction.persistence.AccountView;
import dev.kantor.transaction.persistence.LatestRate;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps this service's views of accounts and of the latest rate per pair, each on its consumer pipeline. Both
 * upserts are idempotent, so a redelivered record needs no de-duplication table; an older rate never replaces a
 * newer one.
 */
@ApplicationScoped
public class ReferenceDataConsumer {

    private final ConsumerPipeline<AccountOpened, Void> accounts;
    private final ConsumerPipeline<RateQuoted, Void> rates;

    ReferenceDataConsumer(ConsumerPipelines pipelines, DeadLetters deadLetters) {
        this.accounts = pipelines.create("accounts", new Upsert<>(pipelines, AccountOpened.class, ReferenceDataConsumer::account),
                deadLetters.emitter());
        this.rates = pipelines.create("rates", new Upsert<>(pipelines, RateQuoted.class, ReferenceDataConsumer::rate),
                deadLetters.emitter());
    }

    @Incoming("accounts")
    public Uni<Void> onAccount(Message<byte[]> message) {
        return accounts.handle(message);
    }

    @Incoming("rates")
    public Uni<Void> onRate(Message<byte[]> message) {
        return rates.handle(message);
    }

    static Uni<Void> account(AccountOpened opened) {
        return AccountView.<AccountView>findById(opened.getAccountId()).chain(existing -> {
            AccountView view = existing != null ? existing : new AccountView();
            view.accountId = opened.getAccountId();
            view.userId = opened.getUserId();
            view.baseCurrency = opened.getBaseCurrency();
            view.updatedAt = opened.getOpenedAt();
            return existing != null ? Uni.createFrom().voidItem() : view.persist().replaceWithVoid();
        });
    }

    static Uni<Void> rate(RateQuoted quoted) {
        return LatestRate.<LatestRate>findById(quoted.getPair()).chain(existing -> {
            if (existing != null && !existing.quotedAt.isBefore(quoted.getQuotedAt())) {
                return Uni.createFrom().voidItem();
            }
            LatestRate rate = existing != null ? existing : new LatestRate();
            rate.pair = quoted.getPair();
            rate.rate = quoted.getRate();
            rate.quotedAt = quoted.getQuotedAt();
            return existing != null ? Uni.createFrom().voidItem() : rate.persist().replaceWithVoid();
        });
    }

    /** A view kept by one idempotent upsert per event. */
    private record Upsert<T extends SpecificRecord>(ConsumerPipelines pipelines, Class<T> type, Function<T, Uni<Void>> upsert)
            implements RecordHandler<T, Void> {

        @Override
        public T decode(SourceRecord record) throws PoisonRecordException {
            return pipelines.decoder().decode(record, type);
        }

        @Override
        public Uni<Void> apply(DecodedBatch<T> batch) {
            return batch.inOrder(decoded -> upsert.apply(decoded.event()));
        }
    }
}
