package dev.kantor.rate.messaging;

import java.time.Clock;
import java.util.UUID;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.kantor.events.RateQuoted;
import dev.kantor.rate.config.RateConfig;
import dev.kantor.rate.domain.LatestRates;
import dev.kantor.rate.domain.Quote;
import dev.kantor.rate.feed.RateFeed;
import dev.kantor.service.messaging.EventMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Publishes every quote of the feed as RateQuoted on the compacted rates topic (key: the pair, acks=all), then makes
 * it the latest and passes it to live subscribers. A feed that fails or ends is subscribed to again with back-off.
 */
@ApplicationScoped
public class QuotePublisher {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    private static final Logger LOG = Logger.getLogger(QuotePublisher.class);

    @Inject
    RateFeed feed;

    @Inject
    LatestRates latest;

    @Inject
    RateConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    @Channel("rates")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    MutinyEmitter<RateQuoted> rates;

    private final BroadcastProcessor<Quote> live = BroadcastProcessor.create();
    private final Clock clock = Clock.systemUTC();
    private Cancellable subscription;

    void start(@Observes StartupEvent started) {
        // A quote that cannot be published (broker down) fails the stream; the next subscription's quotes supersede it.
        subscription = feed.quotes()
                .onItem().transformToUniAndConcatenate(this::publish)
                .onCompletion().invoke(() -> LOG.warnf("the %s feed ended; the rates will go stale", feed.name()))
                .onFailure().invoke(e -> LOG.warnf("the %s feed failed, subscribing again: %s", feed.name(), e.toString()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely()
                .subscribe().with(ignored -> { }, e -> LOG.error("the quote stream stopped", e));
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /** Completes when the broker has the quote; only then is it the latest. */
    Uni<Void> publish(Quote quote) {
        String eventId = UUID.randomUUID().toString();
        RateQuoted event = RateQuoted.newBuilder().setEventId(eventId).setPair(quote.pair()).setBaseCurrency(quote.base())
                .setQuoteCurrency(quote.quote()).setRate(quote.rate()).setQuotedAt(quote.quotedAt()).setSource(quote.source())
                .build();
        return rates.sendMessage(EventMessage.of(quote.pair(), eventId, "RateQuoted", event))
                .invoke(() -> {
                    latest.put(quote, clock.instant());
                    metrics.counter("kantor.rate.quotes", "source", quote.source()).increment();
                    live.onNext(quote);
                });
    }

    /** Every quote published from now on. */
    public Multi<Quote> live() {
        return live;
    }
}
