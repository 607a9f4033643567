package dev.kantor.rate.feed;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.kantor.rate.domain.Quote;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * An adapter for a Binance-style websocket ticker: each text frame
 * {@code {"e":"24hrTicker","E":<event time ms>,"s":"EURUSDT","c":"<last price>",...}} becomes a quote of the pair
 * configured for its symbol. A dropped connection is reconnected with back-off; frames it cannot read are skipped.
 */
public final class TickerFeed implements RateFeed {

    private static final Logger LOG = Logger.getLogger(TickerFeed.class);

    private final Vertx vertx;
    private final String url;
    private final Map<String, String> symbols;
    private final dev.kantor.service.config.Backoff backoff;

    public TickerFeed(Vertx vertx, String url, Map<String, String> symbols, dev.kantor.service.config.Backoff backoff) {
        this.vertx = vertx;
        this.url = url;
        this.symbols = Map.copyOf(symbols);
        this.backoff = backoff;
    }

    @Override
    public String name() {
        return "ticker";
    }

    @Override
    public Multi<Quote> quotes() {
        return connection()
                .onFailure().invoke(e -> LOG.warnf("ticker %s: %s; reconnecting", url, e.getMessage()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    /** One connection's quotes; fails when the connection drops, so that the retry reconnects. */
    private Multi<Quote> connection() {
        return Multi.createFrom().emitter(emitter -> {
            WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000));
            client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).onComplete(connected -> {
                if (connected.failed()) {
                    emitter.fail(connected.cause());
                    client.close();
                    return;
                }
                var socket = connected.result();
                socket.textMessageHandler(text -> parse(text).ifPresent(emitter::emit));
                socket.exceptionHandler(emitter::fail);
                socket.closeHandler(ignored -> {
                    emitter.fail(new IOException("ticker connection closed"));
                    client.close();
                });
                emitter.onTermination(() -> {
                    socket.close();
                    client.close();
                });
            });
        });
    }

    /** The quote in a frame, if it is a ticker frame of a configured symbol. */
    Optional<Quote> parse(String frame) {
        try {
            JsonObject json = new JsonObject(frame);
            String symbol = json.getString("s");
            String pair = symbol == null ? null : symbols.get(symbol);
            String price = json.getString("c");
            Long time = json.getLong("E");
            if (pair == null || price == null || time == null) {
                return Optional.empty();
            }
            return Optional.of(new Quote(pair, new BigDecimal(price), Instant.ofEpochMilli(time), name()));
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            LOG.debugf("skipping a ticker frame: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
