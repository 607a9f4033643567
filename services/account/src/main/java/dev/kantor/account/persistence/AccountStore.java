package dev.kantor.account.persistence;

import java.time.Instant;
import java.util.UUID;

import dev.kantor.account.domain.Opening;
import dev.kantor.account.domain.OpeningRules;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Opens accounts idempotently, inside the caller's database transaction: a request event seen before, or a request
 * id seen before, finds the account it opened (to be announced again with the same event id); an account id or a
 * request id already used for something else is a conflict. Publishes nothing.
 */
@ApplicationScoped
public class AccountStore {

    /** What a request comes to. */
    public sealed interface Result {
        /** Announce this account; {@code repeated} when an earlier delivery or request opened it. */
        record Announce(Account account, boolean repeated) implements Result {
        }

        /** The request contradicts the store: it goes to the DLT, nothing changes. */
        record Conflict(String reason) implements Result {
        }
    }

    public Uni<Result> open(String eventId, Opening opening, Instant now) {
        return ProcessedEvent.<ProcessedEvent>findById(eventId).chain(processed -> processed != null
                ? Account.<Account>find("requestId", processed.requestId).firstResult()
                        .map(account -> account != null ? new Result.Announce(account, true)
                                : (Result) new Result.Conflict("request " + processed.requestId + " was refused before"))
                : byRequest(eventId, opening, now));
    }

    private Uni<Result> byRequest(String eventId, Opening opening, Instant now) {
        return Account.<Account>find("requestId", opening.requestId()).firstResult().chain(existing -> {
            if (existing != null) {
                if (!existing.accountId.equals(opening.accountId()) || !existing.userId.equals(opening.userId())) {
                    return Uni.createFrom().item(new Result.Conflict("requestId: " + opening.requestId()
                            + " already opened account " + existing.accountId + " for another account or user"));
                }
                return processed(eventId, opening, now).replaceWith(new Result.Announce(existing, true));
            }
            return Account.<Account>findById(opening.accountId()).chain(taken -> taken != null
                    ? Uni.createFrom().item(new Result.Conflict("accountId: " + opening.accountId()
                            + " was already opened by request " + taken.requestId))
                    : create(eventId, opening, now));
        });
    }

    private Uni<Result> create(String eventId, Opening opening, Instant now) {
        Account account = new Account();
        account.accountId = opening.accountId();
        account.requestId = opening.requestId();
        account.userId = opening.userId();
        account.baseCurrency = opening.baseCurrency();
        account.displayName = OpeningRules.displayName(opening);
        account.openedAt = now;
        account.eventId = UUID.randomUUID().toString();
        return account.persist().chain(() -> processed(eventId, opening, now)).replaceWith(new Result.Announce(account, false));
    }

    private static Uni<Void> processed(String eventId, Opening opening, Instant now) {
        ProcessedEvent processed = new ProcessedEvent();
        processed.eventId = eventId;
        processed.requestId = opening.requestId();
        processed.processedAt = now;
        return processed.persist().replaceWithVoid();
    }
}
