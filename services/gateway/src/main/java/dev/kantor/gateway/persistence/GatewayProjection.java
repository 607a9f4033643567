package dev.kantor.gateway.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.WalletUpdated;
import dev.kantor.gateway.domain.EventJson;
import dev.kantor.service.persistence.BulkInsert;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies a batch of consumed events inside the caller's transaction: ownership of accounts, outcomes of
 * transactions, the latest wallet per user and rate per pair, and one feed row per event for the SSE streams
 * (de-duplicated by event id). Feed writers take one advisory lock, so feed sequence numbers are in commit order,
 * and the transaction ends with a NOTIFY that every replica's {@code Feed} listens to.
 */
@ApplicationScoped
public class GatewayProjection {

    /** The NOTIFY channel of the feed. */
    public static final String CHANNEL = "kantor_gateway_feed";
    private static final long FEED_LOCK = 0x6b616e746f72L;

    /** The events of one batch, by kind. */
    public record Batch(List<AccountOpened> accounts, List<TransactionApproved> approved, List<TransactionRejected> rejected,
            List<WalletUpdated> wallets, List<RateQuoted> rates) {
        public Batch() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    public Uni<Void> apply(Batch batch, Instant now) {
        BulkInsert accounts = new BulkInsert("{h-schema}owned_account",
                List.of("account_id", "user_id", "base_currency", "display_name", "opened_at"), "on conflict (account_id) do nothing");
        for (AccountOpened a : unique(batch.accounts(), AccountOpened::getAccountId)) {
            accounts.add(a.getAccountId(), a.getUserId(), a.getBaseCurrency(), a.getDisplayName(), a.getOpenedAt());
        }
        BulkInsert outcomes = new BulkInsert("{h-schema}transaction_outcome",
                List.of("transaction_id", "user_id", "status", "outcome", "decided_at"), "on conflict (transaction_id) do nothing");
        BulkInsert feed = new BulkInsert("{h-schema}feed_event",
                List.of("event_id", "user_id", "stream", "payload", "created_at"), "on conflict (event_id) do nothing");
        for (TransactionApproved t : unique(batch.approved(), TransactionApproved::getTransactionId)) {
            String json = EventJson.write(EventJson.approved(t));
            outcomes.add(t.getTransactionId(), t.getUserId(), "APPROVED", json, t.getApprovedAt());
            feed.add(t.getEventId(), t.getUserId(), "transactions", json, now);
        }
        for (TransactionRejected t : unique(batch.rejected(), TransactionRejected::getTransactionId)) {
            String json = EventJson.write(EventJson.rejected(t));
            outcomes.add(t.getTransactionId(), t.getUserId(), "REJECTED", json, t.getRejectedAt());
            feed.add(t.getEventId(), t.getUserId(), "transactions", json, now);
        }
        BulkInsert wallets = new BulkInsert("{h-schema}wallet_snapshot", List.of("user_id", "as_of", "payload"),
                "on conflict (user_id) do update set as_of = excluded.as_of, payload = excluded.payload"
                        + " where wallet_snapshot.as_of <= excluded.as_of");
        Map<WalletUpdated, String> walletJson = new java.util.IdentityHashMap<>();
        for (WalletUpdated w : batch.wallets()) {
            String json = EventJson.write(EventJson.wallet(w));
            walletJson.put(w, json);
            feed.add(w.getEventId(), w.getUserId(), "wallet", json, now);
        }
        for (WalletUpdated w : latest(batch.wallets(), WalletUpdated::getUserId, WalletUpdated::getAsOf)) {
            wallets.add(w.getUserId(), w.getAsOf(), walletJson.get(w));
        }
        BulkInsert rates = new BulkInsert("{h-schema}latest_rate", List.of("pair", "quoted_at", "payload"),
                "on conflict (pair) do update set quoted_at = excluded.quoted_at, payload = excluded.payload"
                        + " where latest_rate.quoted_at < excluded.quoted_at");
        for (RateQuoted r : latest(batch.rates(), RateQuoted::getPair, RateQuoted::getQuotedAt)) {
            String json = EventJson.write(EventJson.rate(r));
            rates.add(r.getPair(), r.getQuotedAt(), json);
            feed.add(r.getEventId(), null, "rates", json, now);
        }
        return Panache.getSession().chain(session -> accounts.execute(session)
                .chain(() -> outcomes.execute(session))
                .chain(() -> wallets.execute(session))
                .chain(() -> rates.execute(session))
                .chain(() -> feed.size() == 0 ? Uni.createFrom().voidItem() : feedInOrder(session, feed)));
    }

    private static Uni<Void> feedInOrder(Mutiny.Session session, BulkInsert feed) {
        return session.createNativeQuery("select cast(pg_advisory_xact_lock(?1) as text)").setParameter(1, FEED_LOCK).getSingleResult()
                .chain(() -> feed.execute(session))
                .chain(() -> session.createNativeQuery("select cast(pg_notify(?1, '') as text)").setParameter(1, CHANNEL).getSingleResult())
                .replaceWithVoid();
    }

    private static <T> List<T> unique(List<T> events, java.util.function.Function<T, String> key) {
        Map<String, T> byKey = new java.util.LinkedHashMap<>();
        events.forEach(e -> byKey.putIfAbsent(key.apply(e), e));
        return new ArrayList<>(byKey.values());
    }

    private static <T> List<T> latest(List<T> events, java.util.function.Function<T, String> key,
            java.util.function.Function<T, Instant> time) {
        Map<String, T> byKey = new HashMap<>();
        events.forEach(e -> byKey.merge(key.apply(e), e, (a, b) -> time.apply(b).isBefore(time.apply(a)) ? a : b));
        return new ArrayList<>(byKey.values());
    }
}
