package dev.kantor.fleet.analytics.messaging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.kantor.events.EventDecoder;
import dev.kantor.fleet.events.ColdChainAlert;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * New cold-chain alerts from every vessel, live, for this instance's SSE clients: each instance reads every mirrored
 * alert topic in a consumer group of its own from the newest record (a live feed, not a history: the stores answer
 * for the past), drops an alert id it has just passed on (mirrored twice; in memory, so not across its restarts),
 * and broadcasts the rest.
 */
@ApplicationScoped
public class AlertFeed {

    private static final Logger LOG = Logger.getLogger(AlertFeed.class);
    private static final int RECENT_IDS = 10_000;

    @ConfigProperty(name = "kantor.fleet.registry-url")
    String registry;

    private final BroadcastProcessor<ColdChainAlert> hub = BroadcastProcessor.create();
    private final Map<String, Boolean> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_IDS;
        }
    };
    private EventDecoder decoder;

    @PostConstruct
    void init() {
        decoder = new EventDecoder(registry);
    }

    @Incoming("mirrored-alerts")
    public void on(byte[] value) {
        ColdChainAlert alert;
        try {
            alert = decoder.decode(value, ColdChainAlert.class);
        } catch (EventDecoder.UndecodableEventException e) {
            // The stores' stream dead-letters it (fleet-analytics.dlt); the live feed only skips it.
            LOG.warnf("live alert feed skipped an undecodable record: %s", e.getMessage());
            return;
        }
        synchronized (recent) {
            if (recent.put(alert.getAlertId(), Boolean.TRUE) != null) {
                return;
            }
        }
        hub.onNext(alert);
    }

    /**
     * The alerts arriving from now on, up to 10,000 buffered for each client (an SSE client asks for one at a time;
     * without the buffer a burst would end its stream); a client that falls further behind loses its stream and
     * reconnects.
     */
    public Multi<ColdChainAlert> stream() {
        return hub.onOverflow().buffer(10_000);
    }
}
