package dev.kantor.wallet.persistence;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.kantor.wallet.domain.Quote;
import dev.kantor.wallet.domain.WalletState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads wallets out of the projection, claims the ones due for publication, and drops the projection for a rebuild.
 * Every method runs inside the caller's session or transaction.
 */
@ApplicationScoped
public class WalletStore {

    /**
     * A wallet claimed for publication at {@code claimedAt}, in the state it had then, and the trace of the last
     * transaction that changed it (null if none).
     */
    public record Claimed(WalletState state, Instant claimedAt, String traceparent) {
    }

    /** A wallet read for a client, with the offsets of every partition the projection has consumed. */
    public record Read(WalletState state, List<ConsumedOffset> offsets) {
    }

    public Uni<Optional<Read>> read(String userId) {
        return Wallet.<Wallet>findById(userId).chain(wallet -> wallet == null
                ? Uni.createFrom().item(Optional.<Read>empty())
                : states(List.of(wallet)).chain(states -> offsets().map(offsets -> Optional.of(new Read(states.get(0), offsets)))));
    }

    public Uni<List<ConsumedOffset>> offsets() {
        return ConsumedOffset.<ConsumedOffset>list("order by topic, partitionNo");
    }

    /**
     * Claims up to {@code limit} dirty wallets whose last publication is at least {@code interval} old, marking them
     * published now so that no replica claims them again within the interval. Wallets whose base currency is not yet
     * known wait. A claimed wallet stays dirty until {@link #published} confirms its version went out.
     */
    public Uni<List<Claimed>> claimDue(Instant now, Duration interval, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update {h-schema}wallet w set published_at = ?1
                        where w.user_id in (select user_id from {h-schema}wallet where dirty and base_currency is not null
                              and (published_at is null or published_at <= ?2)
                              order by changed_at limit ?3 for update skip locked)
                        returning w.user_id""", String.class)
                .setParameter(1, now).setParameter(2, now.minus(interval)).setParameter(3, limit)
                .getResultList())
                .chain(users -> users.isEmpty() ? Uni.createFrom().item(List.<Claimed>of())
                        : Wallet.<Wallet>list("userId in ?1", users).chain(wallets -> states(wallets).map(states -> {
                            // states() keeps the order of the wallets it is given.
                            List<Claimed> claimed = new ArrayList<>(states.size());
                            for (int i = 0; i < states.size(); i++) {
                                claimed.add(new Claimed(states.get(i), now, wallets.get(i).traceParent));
                            }
                            return claimed;
                        })));
    }

    /**
     * Clears the dirty mark of wallets whose published version is still their latest. It never waits for a row lock:
     * a wallet the consumer is changing right now keeps its mark and goes out again in a later round. Waiting would
     * deadlock with the consumer, which locks wallets in its batch's order while this statement locks them in its
     * plan's order (seen: every round refused for minutes while a user's wallet never went out).
     */
    public Uni<Void> published(List<Claimed> claimed) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < claimed.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(?").append(2 * i + 1).append(", cast(?").append(2 * i + 2).append(" as bigint))");
        }
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("with mine as (select w.user_id from {h-schema}wallet w join (values " + values
                    + ") v(user_id, version) on w.user_id = v.user_id and w.version = v.version for update of w skip locked)"
                    + " update {h-schema}wallet w set dirty = false where w.user_id in (select user_id from mine)");
            for (int i = 0; i < claimed.size(); i++) {
                query.setParameter(2 * i + 1, claimed.get(i).state().userId());
                query.setParameter(2 * i + 2, claimed.get(i).state().version());
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }

    /** Drops the whole projection and counts a new generation; returns it. */
    public Uni<Long> dropForRebuild(Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "truncate {h-schema}account_view, {h-schema}wallet, {h-schema}holding, {h-schema}applied_transaction, {h-schema}latest_rate, {h-schema}consumed_offset")
                        .executeUpdate()
                        .chain(() -> session.createNativeQuery(
                                        "update {h-schema}projection_generation set generation = generation + 1, rebuilt_at = ?1 where id = 1")
                                .setParameter(1, now).executeUpdate()))
                .chain(this::generation);
    }

    public Uni<Long> generation() {
        return ProjectionGeneration.<ProjectionGeneration>findById(1).map(row -> row.generation);
    }

    private Uni<List<WalletState>> states(List<Wallet> wallets) {
        List<String> users = wallets.stream().map(w -> w.userId).toList();
        return Holding.<Holding>list("userId in ?1", users).chain(holdings -> LatestRate.<LatestRate>listAll().map(rates -> {
            Map<String, SortedMap<String, BigDecimal>> byUser = new HashMap<>();
            for (Holding holding : holdings) {
                byUser.computeIfAbsent(holding.userId, u -> new TreeMap<>()).put(holding.currency, holding.amount);
            }
            List<Quote> quotes = rates.stream().map(r -> new Quote(r.baseCurrency, r.quoteCurrency, r.rate)).toList();
            List<WalletState> states = new ArrayList<>();
            for (Wallet wallet : wallets) {
                states.add(WalletState.of(wallet.userId, wallet.baseCurrency, byUser.getOrDefault(wallet.userId, new TreeMap<>()),
                        quotes, wallet.version, wallet.changedAt));
            }
            return states;
        }));
    }
}
