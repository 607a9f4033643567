package dev.kantor.service.streams;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * What a Kafka Streams service does when a stream thread fails (a broker or the registry away while it writes): it
 * starts the thread again, which resumes from the last commit, instead of Kafka Streams' default of shutting the
 * whole client down for good. A Kafka Streams service produces it as a bean; Quarkus sets it before the start.
 */
public final class ReplaceFailedThread implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(ReplaceFailedThread.class);
    private static final java.time.Duration PAUSE = java.time.Duration.ofSeconds(5);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.errorf(exception, "a stream thread failed; replacing it in %d s (it resumes from its last commit)", PAUSE.toSeconds());
        try {
            // A pause before the new thread, so that a failure that lasts (a registry away) does not spin.
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
