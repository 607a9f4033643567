package dev.kantor.account.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.kantor.account.config.AccountConfig;
import dev.kantor.account.domain.Opening;
import dev.kantor.account.domain.OpeningRules;
import dev.kantor.account.persistence.AccountStore;
import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.service.config.Market;
import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.Poison;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns an opening request into an account, on the consumer pipeline: decode and validate (poison and invalid
 * requests to account.dlt), one database transaction (AccountStore), AccountOpened announced, then ack. A request
 * that conflicts with an account already opened is refused to account.dlt.
 */
@ApplicationScoped
public class OpeningRequestConsumer implements RecordHandler<AccountOpeningRequested, List<OpeningRequestConsumer.Stored>> {

    @Inject
    ConsumerPipelines pipelines;

    @Inject
    @Channel("account-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @Inject
    AccountStore store;

    @Inject
    AccountAnnouncer announcer;

    @Inject
    AccountConfig config;

    @Inject
    Market market;

    @Inject
    MeterRegistry metrics;

    private final Clock clock = Clock.systemUTC();
    private OpeningRules rules;
    private ConsumerPipeline<AccountOpeningRequested, List<Stored>> pipeline;

    @PostConstruct
    void init() {
        rules = new OpeningRules(market.currencies(), config.displayNameMax());
        pipeline = pipelines.create("account-requests", this, deadLetters);
    }

    @Incoming("account-requests")
    public Uni<Void> consume(Message<byte[]> message) {
        return pipeline.handle(message);
    }

    /** What the store made of one request. */
    public record Stored(SourceRecord record, AccountStore.Result result) {
    }

    @Override
    public AccountOpeningRequested decode(SourceRecord record) throws PoisonRecordException {
        AccountOpeningRequested request = pipelines.decoder().decode(record, AccountOpeningRequested.class);
        Optional<String> violation = rules.violation(opening(request));
        if (violation.isPresent()) {
            throw new PoisonRecordException("invalid request: " + violation.get(), null);
        }
        return request;
    }

    @Override
    public Uni<List<Stored>> apply(DecodedBatch<AccountOpeningRequested> batch) {
        List<Stored> stored = new ArrayList<>();
        return batch.inOrder(request -> store.open(request.event().getEventId(), opening(request.event()), clock.instant())
                        .invoke(result -> stored.add(new Stored(request.record(), result))))
                .replaceWith(stored);
    }

    @Override
    public Uni<Void> publish(List<Stored> stored) {
        List<Uni<Void>> announcements = new ArrayList<>();
        for (Stored s : stored) {
            if (s.result() instanceof AccountStore.Result.Announce announce) {
                announcements.add(announcer.announce(announce.account())
                        .invoke(() -> count(announce.repeated() ? "repeated" : "opened")));
            }
        }
        return announcements.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(announcements).andFailFast().replaceWithVoid();
    }

    @Override
    public List<Poison> refused(List<Stored> stored) {
        List<Poison> refused = new ArrayList<>();
        for (Stored s : stored) {
            if (s.result() instanceof AccountStore.Result.Conflict conflict) {
                count("conflict");
                refused.add(new Poison(s.record(), conflict.reason(), null));
            }
        }
        return refused;
    }

    private static Opening opening(AccountOpeningRequested request) {
        return new Opening(request.getRequestId(), request.getAccountId(), request.getUserId(), request.getBaseCurrency(),
                request.getDisplayName());
    }

    /** kantor.account.requests{outcome=opened|repeated|conflict}; dead letters are the pipeline's to count. */
    private void count(String outcome) {
        metrics.counter("kantor.account.requests", "outcome", outcome).increment();
    }
}
