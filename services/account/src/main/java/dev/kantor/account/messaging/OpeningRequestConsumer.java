package dev.kantor.account.messaging;

import java.time.Clock;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.kantor.account.config.AccountConfig;
import dev.kantor.account.domain.Opening;
import dev.kantor.account.domain.OpeningRules;
import dev.kantor.account.persistence.AccountStore;
import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.service.messaging.DeadLetter;
import dev.kantor.service.messaging.MessageContext;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordDecoder;
import dev.kantor.service.messaging.SourceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns an opening request into an account, in the order of the money path: decode and validate (poison and invalid
 * requests to account.dlt), one database transaction (AccountStore), announce AccountOpened and wait for the broker,
 * then ack. Transient failures are retried with back-off and never acked as done.
 */
@ApplicationScoped
public class OpeningRequestConsumer {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    @jakarta.inject.Inject
    dev.kantor.service.config.Market market;

    private static final Logger LOG = Logger.getLogger(OpeningRequestConsumer.class);

    @Inject
    AccountStore store;

    @Inject
    AccountAnnouncer announcer;

    @Inject
    AccountConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    @Channel("account-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @ConfigProperty(name = "mp.messaging.incoming.account-requests.group.id")
    String group;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    String registry;

    private RecordDecoder decoder;
    private OpeningRules rules;
    private final Clock clock = Clock.systemUTC();

    @jakarta.annotation.PostConstruct
    void init() {
        decoder = new RecordDecoder(registry);
        rules = new OpeningRules(market.currencies(), config.displayNameMax());
    }

    @Incoming("account-requests")
    public Uni<Void> consume(Message<byte[]> message) {
        // Deferred: a synchronous throw while setting up must still fail the Uni, so the record is nacked (smallrye#1726).
        return Uni.createFrom().deferred(() -> {
            MessageContext context = MessageContext.current();
            SourceRecord record = SourceRecord.of(message);
            return context.decode(() -> decode(record), backoff)
                    .chain(decoded -> decoded.request() == null
                            ? deadLetter(record, decoded.problem(), "dlt")
                            : handle(context, record, decoded.request()))
                    .chain(() -> Uni.createFrom().completionStage(message.ack()));
        });
    }

    private Uni<Void> handle(MessageContext context, SourceRecord record, AccountOpeningRequested request) {
        Opening opening = new Opening(request.getRequestId(), request.getAccountId(), request.getUserId(),
                request.getBaseCurrency(), request.getDisplayName());
        Optional<String> violation = rules.violation(opening);
        if (violation.isPresent()) {
            return deadLetter(record, "invalid request: " + violation.get(), "invalid");
        }
        return context.transaction("the account store", () -> store.open(request.getEventId(), opening, clock.instant()),
                        backoff)
                .chain(result -> switch (result) {
                    case AccountStore.Result.Announce announce -> Uni.createFrom().deferred(() -> announcer.announce(announce.account()))
                            .onFailure().invoke(e -> LOG.warnf("announcing %s failed, retrying: %s", announce.account().accountId, e))
                            .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely()
                            .invoke(() -> count(announce.repeated() ? "repeated" : "opened"));
                    case AccountStore.Result.Conflict conflict -> deadLetter(record, conflict.reason(), "conflict");
                });
    }

    /** A decoded request, or why there is none. */
    record Decoded(AccountOpeningRequested request, String problem) {
    }

    private Decoded decode(SourceRecord record) {
        try {
            return new Decoded(decoder.decode(record, AccountOpeningRequested.class), null);
        } catch (PoisonRecordException e) {
            return new Decoded(null, e.getMessage());
        }
    }

    private Uni<Void> deadLetter(SourceRecord record, String reason, String outcome) {
        return DeadLetter.send(deadLetters, record, reason, null, group, backoff)
                .invoke(() -> count(outcome));
    }

    private void count(String outcome) {
        metrics.counter("kantor.account.requests", "outcome", outcome).increment();
    }
}
