package dev.kantor.gateway.messaging;

import java.math.RoundingMode;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.events.Money;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.gateway.persistence.OpeningRequest;
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
 * broker's ack.
 */
@ApplicationScoped
public class RequestPublisher {

    @Inject
    @Channel("account-requests")
    MutinyEmitter<AccountOpeningRequested> openings;

    @Inject
    @Channel("transaction-requests")
    MutinyEmitter<TransactionRequested> transactions;

    /** Publishes a stored opening unless an earlier attempt did, then marks it published. */
    public Uni<Void> publishOnce(OpeningRequest request) {
        return request.published ? Uni.createFrom().voidItem() : publish(request).chain(() -> Panache.withTransaction(
                () -> OpeningRequest.update("published = true where requestId = ?1", request.requestId)).replaceWithVoid());
    }

    /** Publishes a stored transaction request unless an earlier attempt did, then marks it published. */
    public Uni<Void> publishOnce(TransactionRequest request) {
        return request.published ? Uni.createFrom().voidItem() : publish(request).chain(() -> Panache.withTransaction(
                () -> TransactionRequest.update("published = true where transactionId = ?1", request.transactionId)).replaceWithVoid());
    }

    private Uni<Void> publish(OpeningRequest request) {
        AccountOpeningRequested event = AccountOpeningRequested.newBuilder().setEventId(request.eventId)
                .setRequestId(request.requestId).setAccountId(request.accountId).setUserId(request.userId)
                .setBaseCurrency(request.baseCurrency).setDisplayName(request.displayName).setRequestedAt(request.requestedAt).build();
        return openings.sendMessage(EventMessage.of(request.accountId, request.eventId, "AccountOpeningRequested", event));
    }

    private Uni<Void> publish(TransactionRequest request) {
        TransactionRequested event = TransactionRequested.newBuilder().setEventId(request.eventId)
                .setTransactionId(request.transactionId).setAccountId(request.accountId).setUserId(request.userId)
                .setKind(TransactionKind.valueOf(request.kind))
                .setAmount(Money.newBuilder().setAmount(request.amount.setScale(4, RoundingMode.UNNECESSARY)).setCurrency(request.currency).build())
                .setTargetCurrency(request.targetCurrency).setRequestedAt(request.requestedAt).build();
        return transactions.sendMessage(EventMessage.of(request.accountId, request.eventId, "TransactionRequested", event));
    }
}
