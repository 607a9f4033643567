package dev.kantor.gateway.config;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Test-only crash points (kantor.gateway.failpoint.*, all off by default): they let a test kill the gateway at the
 * exact moment a real crash would hurt most, which no timing of an outside kill -9 can hit reliably.
 */
@ApplicationScoped
public class Failpoint {

    private static final Logger LOG = Logger.getLogger(Failpoint.class);

    @Inject
    GatewayConfig config;

    /** Called between a new request's commit and its send: with halt-after-store on, the process dies here. */
    public void afterStore(String what) {
        if (config.failpoint().haltAfterStore()) {
            LOG.errorf("failpoint halt-after-store: halting after storing %s, before sending it (tests only)", what);
            // halt, not exit: no shutdown hook, nothing flushed, as with kill -9.
            Runtime.getRuntime().halt(137);
        }
    }
}
