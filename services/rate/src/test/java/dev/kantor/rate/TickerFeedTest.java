package dev.kantor.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kantor.rate.domain.Quote;
import dev.kantor.rate.feed.TickerFeed;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The ticker adapter against a local websocket server that replays recorded ticker frames, then drops the
 * connection: the adapter parses the frames, skips what is not a quote, and reconnects.
 */
class TickerFeedTest {

    /** Recorded frames of a Binance-style 24hr ticker stream (trimmed), with noise a real stream has. */
    static final List<String> FRAMES = List.of(
            "{\"e\":\"24hrTicker\",\"E\":1763805600000,\"s\":\"EURUSDT\",\"p\":\"0.0012\",\"c\":\"1.08530000\",\"Q\":\"120.5\"}",
            "{\"result\":null,\"id\":1}",
            "{\"e\":\"24hrTicker\",\"E\":1763805601000,\"s\":\"BTCUSDT\",\"c\":\"91000.01\"}",
            "not json at all",
            "{\"e\":\"24hrTicker\",\"E\":1763805602000,\"s\":\"EURUSDT\",\"p\":\"0.0014\",\"c\":\"1.08550000\",\"Q\":\"80.0\"}");

    final Vertx vertx = Vertx.vertx();
    HttpServer server;

    @AfterEach
    void close() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void itParsesRecordedFramesAndSurvivesADroppedConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        server = vertx.createHttpServer().requestHandler(request -> request.toWebSocket().onSuccess(socket -> {
            connections.incrementAndGet();
            FRAMES.forEach(socket::writeTextMessage);
            socket.close(); // the exchange drops us after each burst
        })).listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        TickerFeed feed = new TickerFeed(vertx, "ws://127.0.0.1:" + server.actualPort() + "/ws/eurusdt@ticker",
                Map.of("EURUSDT", "EUR/USD"), new dev.kantor.service.config.Backoff() {
                    public Duration initial() { return Duration.ofMillis(50); }
                    public Duration max() { return Duration.ofMillis(200); }
                });
        List<Quote> quotes = new CopyOnWriteArrayList<>();
        Cancellable subscription = feed.quotes().subscribe().with(quotes::add);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> quotes.size() >= 6);
        } finally {
            subscription.cancel();
        }
        assertEquals(new Quote("EUR/USD", new BigDecimal("1.0853"), Instant.ofEpochMilli(1763805600000L), "ticker"), quotes.get(0));
        assertEquals(new Quote("EUR/USD", new BigDecimal("1.0855"), Instant.ofEpochMilli(1763805602000L), "ticker"), quotes.get(1));
        assertEquals(quotes.get(0), quotes.get(2), "after the reconnection the stream goes on");
        assertEquals(true, connections.get() >= 3);
    }
}
