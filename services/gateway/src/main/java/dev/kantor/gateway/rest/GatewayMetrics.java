package dev.kantor.gateway.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The gateway's own business metrics, beside the framework's HTTP ones: requests taken by kind (a retry with the same
 * key counted apart), SSE clients connected and events delivered per stream. The feed's delay is persistence.Feed's.
 */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicInteger> clients = new ConcurrentHashMap<>();

    /** A request stored (or found again by its key): kind is opening, deposit, withdrawal or exchange. */
    void accepted(String kind, boolean retry) {
        registry.counter("kantor.gateway.requests", "kind", kind, "result", retry ? "retry" : "new").increment();
    }

    void connected(String stream) {
        gauge(stream).incrementAndGet();
    }

    void disconnected(String stream) {
        gauge(stream).decrementAndGet();
    }

    void delivered(String stream) {
        registry.counter("kantor.gateway.events.delivered", "stream", stream).increment();
    }

    private AtomicInteger gauge(String stream) {
        return clients.computeIfAbsent(stream, s -> registry.gauge("kantor.gateway.sse.clients",
                java.util.List.of(io.micrometer.core.instrument.Tag.of("stream", s)), new AtomicInteger()));
    }
}
