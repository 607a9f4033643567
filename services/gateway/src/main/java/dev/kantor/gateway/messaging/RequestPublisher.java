package dev.kantor.gateway.messaging;

import java.time.Duration;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.gateway.persistence.OpeningRequest;
import dev.kantor.gateway.persistence.RequestOutbox;
import dev.kantor.gateway.persistence.RequestStore;
import dev.kantor.gateway.persistence.TransactionRequest;
import dev.kantor.service.messaging.EventMessage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Publishes what clients asked for, made from the stored request so that a retry sends exactly the same event
 * (same event id): the services downstream then see a redelivery, never a second request. Completes on the
 * broker's ack. The HTTP calls send through {@link #publishWithin}; what they could not send, {@link RequestRelay}
 * sends later through {@link #send}.
 */
@ApplicationScoped
public class RequestPublisher {

    private static final Logger LOG = Logger.getLogger(RequestPublisher.class);

    @Inject
    RequestOutbox outbox;

    @Inject
    RequestStore requests;

    @Inject
    @Channel("account-requests")
    MutinyEmitter<AccountOpeningRequested> openings;

    @Inject
    @Channel("transaction-requests")
    MutinyEmitter<TransactionRequested> transactions;

    /**
     * Publishes a stored opening unless an earlier attempt did, and answers whether the broker acked it within
     * {@code bound}. The send goes on after that (it is in the producer already) and marks the request published
     * when acked; if it fails, the request stays unpublished and the relay sends it once its lease runs out.
     */
    public Uni<Boolean> publishWithin(OpeningRequest request, Duration bound) {
        return within(publishOnce(request), bound, "opening " + request.requestId);
    }

    /** As {@link #publishWithin(OpeningRequest, Duration)}, for a transaction request. */
    public Uni<Boolean> publishWithin(TransactionRequest request, Duration bound) {
        return within(publishOnce(request), bound, "transaction " + request.transactionId);
    }

    /** Publishes a stored opening unless an earlier attempt did, then marks it published. */
    public Uni<Void> publishOnce(OpeningRequest request) {
        return request.published ? Uni.createFrom().voidItem() : send(request).chain(() -> Panache.withTransaction(
                () -> outbox.openingsPublished(java.util.List.of(request.requestId))));
    }

    /** Publishes a stored transaction request unless an earlier attempt did, then marks it published. */
    public Uni<Void> publishOnce(TransactionRequest request) {
        return request.published ? Uni.createFrom().voidItem() : send(request).chain(() -> requests.published(request.transactionId));
    }

    /**
     * Runs {@code publish} to its end whoever waits, and tells the caller whether it ended well within {@code bound}.
     * Memoized, so that the caller giving up cancels only its own wait, never the send and its marking.
     */
    private static Uni<Boolean> within(Uni<Void> publish, Duration bound, String what) {
        Uni<Void> shared = publish.memoize().indefinitely();
        shared.subscribe().with(ok -> { }, e -> LOG.warnf("%s not published (stored: the relay will send it): %s", what, e.toString()));
        return shared.replaceWith(true)
                .ifNoItem().after(bound).recoverWithItem(false)
                .onFailure().recoverWithItem(false);
    }

    /** The event of a stored opening, with its original event id; completes on the broker's ack. */
    public Uni<Void> send(OpeningRequest request) {
        AccountOpeningRequested event = AccountOpeningRequested.newBuilder().setEventId(request.eventId)
                .setRequestId(request.requestId).setAccountId(request.accountId).setUserId(request.userId)
                .setBaseCurrency(request.baseCurrency).setDisplayName(request.displayName).setRequestedAt(request.requestedAt).build();
        return openings.sendMessage(EventMessage.of(request.accountId, request.eventId, "AccountOpeningRequested", event));
    }

    /**
     * The event of a stored transaction request, with its original event id, in the trace of the HTTP call that
     * stored it (the relay's late send too); completes on the broker's ack.
     */
    public Uni<Void> send(TransactionRequest request) {
        TransactionRequested event = TransactionRequested.newBuilder().setEventId(request.eventId)
                .setTransactionId(request.transactionId).setAccountId(request.accountId).setUserId(request.userId)
                .setKind(TransactionKind.valueOf(request.kind))
                .setAmount(Amounts.money(request.amount, request.currency))
                .setTargetCurrency(request.targetCurrency).setRequestedAt(request.requestedAt)
                .setQuoteId(request.quoteId).setQuotedRate(request.quotedRate).setQuoteTolerance(request.quoteTolerance).build();
        return transactions.sendMessage(EventMessage.of(request.accountId, request.eventId, "TransactionRequested", event,
                request.traceParent));
    }
}
