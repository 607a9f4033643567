package dev.kantor.service.messaging;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.kantor.service.persistence.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The Vert.x context a message was delivered on, kept so that every step of its processing, including the ones
 * resumed after a retry's back-off on a timer thread, runs where Hibernate Reactive expects it (quarkus#34291).
 */
public final class MessageContext {

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

    /** Runs a task on this context. */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Runs blocking work on a worker thread and resumes on this context. */
    public <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().completionStage(() -> context.executeBlocking(work, false).toCompletionStage());
    }

    /** One Panache database transaction on this context; a failure is the caller's to handle. */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return transaction(Transactions.PANACHE, work);
    }

    /** One database transaction, opened as {@code transactions} opens it, on this context. */
    public <T> Uni<T> transaction(Transactions transactions, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> transactions.inTransaction(work)).runSubscriptionOn(executor);
    }
}
