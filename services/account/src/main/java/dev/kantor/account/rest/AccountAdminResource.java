package dev.kantor.account.rest;

import java.util.List;


import dev.kantor.account.messaging.AccountAnnouncer;
import dev.kantor.account.persistence.Account;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Operator commands of the account store, the system of record: re-publish every stored account to the accounts
 * topic (for a new consumer, or after the topic was lost), each with its original event id, so consumers that
 * de-duplicate by event id see nothing new.
 */
@Path("/admin/accounts")
public class AccountAdminResource {

    private static final int PAGE = 500;

    @Inject
    AccountAnnouncer announcer;

    @POST
    @Path("/republish")
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> republish() {
        return republishFrom(0, 0).map(count -> "re-published " + count + " accounts to accounts\n");
    }

    /** Page by page, each page read in its own session and announced (acks=all) before the next is read. */
    private Uni<Long> republishFrom(int page, long done) {
        return Panache.withSession(() -> Account.<Account>findAll(Sort.by("accountId")).page(page, PAGE).list())
                .chain(accounts -> announce(accounts).chain(() -> accounts.size() < PAGE
                        ? Uni.createFrom().item(done + accounts.size())
                        : republishFrom(page + 1, done + accounts.size())));
    }

    private Uni<Void> announce(List<Account> accounts) {
        return Multi.createFrom().iterable(accounts).onItem().transformToUniAndMerge(announcer::announce)
                .collect().last().replaceWithVoid();
    }
}
