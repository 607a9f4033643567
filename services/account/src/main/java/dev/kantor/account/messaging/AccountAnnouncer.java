package dev.kantor.account.messaging;


import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.kantor.account.persistence.Account;
import dev.kantor.events.AccountOpened;
import dev.kantor.service.messaging.EventMessage;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Announces a stored account as AccountOpened on the compacted accounts topic, always with its stored event id. */
@ApplicationScoped
public class AccountAnnouncer {

    @Inject
    @Channel("accounts")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<AccountOpened> accounts;

    /** Completes when the broker has it (acks=all). */
    public Uni<Void> announce(Account account) {
        AccountOpened event = AccountOpened.newBuilder().setEventId(account.eventId).setAccountId(account.accountId)
                .setRequestId(account.requestId).setUserId(account.userId).setBaseCurrency(account.baseCurrency)
                .setDisplayName(account.displayName).setOpenedAt(account.openedAt).build();
        return accounts.sendMessage(EventMessage.of(account.accountId, account.eventId, "AccountOpened", event));
    }
}
