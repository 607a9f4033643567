package dev.kantor.service.messaging;

import dev.kantor.service.config.Backoff;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The Vert.x context a message was delivered on, kept so that every step of its processing, including the ones
 * resumed after a retry's back-off on a timer thread, runs where Hibernate Reactive expects it (quarkus#34291).
 */
public final class MessageContext {

    private static final Logger LOG = Logger.getLogger(MessageContext.class);

    private final Context context;
    private final Executor executor;

    private MessageContext(Context context) {
        this.context = context;
        this.executor = task -> context.runOnContext(ignored -> task.run());
    }

    /** The context of the message being handled; only valid on the thread that delivered it. */
    public static MessageContext current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("messages must be handled on a Vert.x context");
        }
        return new MessageContext(context);
    }

    /**
     * A fresh duplicated context for work that no message started (a timer, a scheduled job), marked safe for
     * Hibernate Reactive like the contexts messages are delivered on.
     */
    public static MessageContext detached(Vertx vertx) {
        Context context = io.smallrye.common.vertx.VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(context, true);
        return new MessageContext(context);
    }

    /** Runs blocking work on a worker thread and resumes on this context. */
    public <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().completionStage(() -> context.executeBlocking(work, false).toCompletionStage());
    }

    /**
     * Decodes on a worker thread (the registry client blocks on a schema cache miss) and resumes on this context.
     * An unreachable registry ({@link TransientFailureException}) is retried with back-off, never dead-lettered;
     * poison is for the caller's decode to report.
     */
    public <T> Uni<T> decode(Callable<T> work, Backoff backoff) {
        return blocking(work)
                .onFailure(TransientFailureException.class).invoke(e -> LOG.warnf("decoding failed, retrying: %s", e.getMessage()))
                .onFailure(TransientFailureException.class).retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    /** One database transaction on this context, retried with back-off for as long as it fails. */
    public <T> Uni<T> transaction(String what, Supplier<Uni<T>> work, Backoff backoff) {
        return transaction(work)
                .onFailure().invoke(e -> LOG.warnf("%s failed, retrying: %s", what, e.toString()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    /** One database transaction on this context; a failure is the caller's to handle. */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> Panache.withTransaction(work)).runSubscriptionOn(executor);
    }
}
