package dev.kantor.gateway.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * This replica's view of the feed: it LISTENs for the projection's NOTIFY, reads the new feed rows in sequence order
 * and broadcasts them to its SSE clients, and serves a reconnecting client what it missed. Every replica reads the
 * same rows, so every client gets its events whichever replica it is connected to, and whichever replica's consumer
 * stored them.
 */
@ApplicationScoped
public class Feed {

    private static final Logger LOG = Logger.getLogger(Feed.class);

    /** One row of the feed: its sequence number is the SSE event id. */
    public record Item(long seq, String userId, String stream, String payload) {
    }

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema")
    String schema;

    @Inject
    dev.kantor.gateway.config.GatewayConfig config;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    private final BroadcastProcessor<Item> live = BroadcastProcessor.create();
    private final AtomicLong delivered = new AtomicLong(-1);
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private PgSubscriber subscriber;

    void start(@Observes StartupEvent event) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", "")).setUser(user).setPassword(password);
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> 1000L);
        subscriber.channel(GatewayProjection.CHANNEL).handler(payload -> readNew());
        subscriber.connect().subscribe().with(ok -> readNew(), e -> LOG.warnf("feed listener not connected: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.close().subscribe().with(ok -> { }, e -> { });
        }
    }

    /** A safety net for a NOTIFY lost while the listener reconnected. */
    @Scheduled(every = "2s", delayed = "2s")
    void poll() {
        readNew();
    }

    /**
     * Keeps the feed to what a reconnecting client may still ask for (kantor.gateway.feed-retention): older rows go.
     * A client away for longer gets the current state again (wallet, rates) and the statuses by REST.
     */
    @Scheduled(every = "60s", delayed = "60s")
    Uni<Void> prune() {
        return pool.preparedQuery("delete from " + schema + ".feed_event where created_at < $1")
                .execute(Tuple.of(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minus(config.feedRetention())))
                .onFailure().invoke(e -> LOG.warnf("pruning the feed failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Every new row, live, in sequence order. */
    public Multi<Item> live() {
        return live;
    }

    /** The rows of a stream after a sequence number (for one user, or the public ones when userId is null). */
    public Uni<List<Item>> after(String stream, String userId, long afterSeq, int limit) {
        String sql = "select seq, user_id, stream, payload from " + schema + ".feed_event where stream = $1 and seq > $2 and "
                + (userId == null ? "user_id is null and $3::text is null" : "user_id = $3") + " order by seq limit " + limit;
        return pool.preparedQuery(sql).execute(Tuple.of(stream, afterSeq, userId)).map(rows -> {
            List<Item> items = new ArrayList<>();
            rows.forEach(row -> items.add(item(row)));
            return items;
        });
    }

    /** The sequence number of the newest row, so a new client starts from now. */
    public Uni<Long> newest() {
        return pool.query("select coalesce(max(seq), 0) from " + schema + ".feed_event").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * The rates of the last while, per pair: the last rate of every bucket of {@code bucketSeconds}, oldest first, read
     * from the feed's rate rows (kept for kantor.gateway.feed-retention), so a chart has points from before the page.
     */
    public Uni<List<Map<String, Object>>> rateHistory(java.time.Duration span, int bucketSeconds) {
        String sql = "select pair, rate, quoted_at from (select cast(payload as json) ->> 'pair' as pair,"
                + " cast(payload as json) ->> 'rate' as rate, cast(payload as json) ->> 'quotedAt' as quoted_at,"
                + " row_number() over (partition by cast(payload as json) ->> 'pair', floor(extract(epoch from created_at) / $2)"
                + " order by seq desc) as n, seq from " + schema + ".feed_event where stream = 'rates' and user_id is null"
                + " and created_at > $1) recent where n = 1 order by pair, seq";
        return pool.preparedQuery(sql).execute(Tuple.of(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minus(span), bucketSeconds))
                .map(rows -> {
                    Map<String, List<Map<String, String>>> byPair = new java.util.LinkedHashMap<>();
                    for (Row row : rows) {
                        byPair.computeIfAbsent(row.getString("pair"), p -> new ArrayList<>())
                                .add(Map.of("rate", row.getString("rate"), "quotedAt", row.getString("quoted_at")));
                    }
                    List<Map<String, Object>> answer = new ArrayList<>();
                    byPair.forEach((pair, points) -> answer.add(Map.of("pair", pair, "points", points)));
                    return answer;
                });
    }

    private void readNew() {
        if (!reading.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Uni<Long> start = delivered.get() >= 0 ? Uni.createFrom().item(delivered.get()) : newest();
        start.chain(from -> pool.preparedQuery("select seq, user_id, stream, payload, created_at from " + schema
                                + ".feed_event where seq > $1 order by seq limit 5000").execute(Tuple.of(from))
                        .invoke(rows -> {
                            long last = from;
                            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
                            io.micrometer.core.instrument.Timer delay = metrics.timer("kantor.gateway.feed.delay");
                            for (Row row : rows) {
                                Item item = item(row);
                                // From the event stored by the consumer to its broadcast to this replica's streams.
                                delay.record(java.time.Duration.between(row.getOffsetDateTime("created_at"), now));
                                live.onNext(item);
                                last = item.seq();
                            }
                            delivered.set(last);
                            if (rows.size() == 5000) {
                                again.set(true);
                            }
                        }))
                .onTermination().invoke(() -> {
                    reading.set(false);
                    if (again.getAndSet(false)) {
                        readNew();
                    }
                })
                .subscribe().with(ok -> { }, e -> LOG.warnf("reading the feed failed: %s", e.toString()));
    }

    private static Item item(Row row) {
        return new Item(row.getLong("seq"), row.getString("user_id"), row.getString("stream"), row.getString("payload"));
    }

}
