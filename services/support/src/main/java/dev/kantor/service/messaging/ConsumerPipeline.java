package dev.kantor.service.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.kantor.service.config.Backoff;
import dev.kantor.service.persistence.Transactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The one way every Kantor consumer handles what it polls, a record or a batch: decode on a worker thread (poison
 * set aside, an unreachable registry retried), one database transaction for the whole batch (retried), then the
 * outcomes published and the dead letters sent, both waited for at the broker (retried), and only then the ack.
 * Nothing is acked before its effects are durable; a transient failure is retried with back-off, never acked as done
 * and never dead-lettered. Once a delivery's transaction has committed the channel takes the next one, so that its
 * transaction runs while the first one's outcomes are at the broker ({@link InFlight}). The service supplies only a
 * {@link RecordHandler}.
 *
 * <p>Metrics, tagged with the channel: {@code kantor.consumer.records{outcome=decoded|dead-lettered}},
 * {@code kantor.consumer.retries{stage}}, {@code kantor.consumer.stage{stage=decode|database|publish|ack}},
 * {@code kantor.consumer.batch.size}.
 */
public final class ConsumerPipeline<T, R> {

    private static final Logger LOG = Logger.getLogger(ConsumerPipeline.class);

    private final String channel;
    private final String group;
    private final RecordHandler<T, R> handler;
    private final MutinyEmitter<byte[]> deadLetters;
    private final Transactions transactions;
    private final Backoff backoff;
    private final MeterRegistry metrics;
    private final Counter decoded;
    private final Counter deadLettered;
    private final DistributionSummary batchSize;
    private final InFlight inFlight = new InFlight();

    ConsumerPipeline(String channel, String group, RecordHandler<T, R> handler, MutinyEmitter<byte[]> deadLetters,
            Transactions transactions, Backoff backoff, MeterRegistry metrics) {
        this.transactions = transactions;
        this.channel = channel;
        this.group = group;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.metrics = metrics;
        this.decoded = metrics.counter("kantor.consumer.records", "channel", channel, "outcome", "decoded");
        this.deadLettered = metrics.counter("kantor.consumer.records", "channel", channel, "outcome", "dead-lettered");
        this.batchSize = metrics.summary("kantor.consumer.batch.size", "channel", channel);
    }

    /** A channel that delivers one record at a time. */
    public Uni<Void> handle(Message<byte[]> message) {
        return run(message, () -> List.of(SourceRecord.of(message)));
    }

    /** A batch channel ({@code batch=true}): one transaction and one ack for the whole batch. */
    public Uni<Void> handle(KafkaRecordBatch<String, byte[]> batch) {
        return run(batch, () -> SourceRecord.of(batch));
    }

    /** The consumer group named in dead letters. */
    public String group() {
        return group;
    }

    private Uni<Void> run(Message<?> delivery, Supplier<List<SourceRecord>> records) {
        // Every step retries what may pass, so what fails here is a bug or a delivery it cannot read (a synchronous
        // throw too: deferred, smallrye#1726). It is nacked, never acked, and the channel's failure-strategy decides:
        // ours is fail, so the channel stops, health turns DOWN and a restart redelivers it.
        return Uni.createFrom().deferred(() -> process(delivery, records))
                .onFailure().recoverWithUni(failure -> nack(delivery, failure));
    }

    private static Uni<Void> nack(Message<?> delivery, Throwable failure) {
        return Uni.createFrom().completionStage(() -> delivery.nack(failure));
    }

    /**
     * Done for the channel once the delivery's transaction has committed and the previous delivery of its partitions
     * has been published: the next delivery's transaction then runs while this one is published and acked. At most
     * two deliveries of a partition are in flight, one in the database and one at the broker; a partition's outcomes
     * are sent in the order their transactions committed, and each delivery is acked only after its own are at the
     * broker.
     */
    private Uni<Void> process(Message<?> delivery, Supplier<List<SourceRecord>> records) {
        MessageContext context = MessageContext.current();
        List<SourceRecord> polled = records.get();
        Stages stages = new Stages();
        return context.blocking(() -> decode(polled, stages.start))
                .onFailure(TransientFailureException.class).invoke(e -> retrying("decode", e))
                .onFailure(TransientFailureException.class).retry().withBackOff(backoff.initial(), backoff.max()).indefinitely()
                .invoke(() -> stages.next("decode"))
                .chain(batch -> apply(context, batch.decoded())
                        .invoke(() -> stages.next("database"))
                        .chain(result -> sendThenAck(context, delivery, polled, stages, () -> afterCommit(batch.poison(), result))));
    }

    /**
     * Sends what the transaction decided once the previous delivery of the same partitions has been sent, then acks;
     * the channel moves on as soon as that previous one is done, not this one. The sends run on this delivery's
     * context (its trace), not on the thread that finished the previous one.
     */
    private Uni<Void> sendThenAck(MessageContext context, Message<?> delivery, List<SourceRecord> polled, Stages stages,
            Supplier<Uni<Void>> send) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletableFuture<Void> previous = inFlight.follow(polled, sent);
        Function<Void, CompletableFuture<Void>> publish = ignored -> {
            stages.skip();
            return Uni.createFrom().deferred(send::get)
                    .invoke(() -> stages.next("publish"))
                    .chain(() -> Uni.createFrom().completionStage(delivery.ack()))
                    .invoke(() -> {
                        stages.next("ack");
                        batchSize.record(polled.size());
                    })
                    .onFailure().call(failure -> nack(delivery, failure))
                    .subscribeAsCompletionStage();
        };
        (previous.isDone() ? previous.thenCompose(publish) : previous.thenComposeAsync(publish, context::execute))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        sent.complete(null);
                    } else {
                        sent.completeExceptionally(failure);
                    }
                });
        // A copy: the channel cancelling its wait (at shutdown) must not cancel the previous delivery's publication.
        return Uni.createFrom().completionStage(previous.copy());
    }

    /** The decoded events of a batch and its poison. */
    private record Split<T>(DecodedBatch<T> decoded, List<Poison> poison) {
    }

    private Split<T> decode(List<SourceRecord> records, long polledAt) {
        List<DecodedBatch.Decoded<T>> events = new ArrayList<>(records.size());
        List<Poison> poison = new ArrayList<>();
        for (SourceRecord record : records) {
            try {
                events.add(new DecodedBatch.Decoded<>(record, handler.decode(record)));
            } catch (PoisonRecordException e) {
                poison.add(Poison.of(record, e));
            }
        }
        return new Split<>(new DecodedBatch<>(records, events, polledAt, false), poison);
    }

    /** The handler's transaction; a {@link NotYetException} waits for what it names and decides again at once. */
    private Uni<R> apply(MessageContext context, DecodedBatch<T> batch) {
        return Uni.createFrom().deferred(() -> context.transaction(transactions, () -> handler.apply(batch))
                        .onFailure(NotYetException.class).recoverWithUni(notYet -> ((NotYetException) notYet).until()
                                .chain(() -> context.transaction(transactions, () -> handler.apply(batch.afterWait())))))
                .onFailure().invoke(e -> retrying("database", e))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely()
                .invoke(() -> decoded.increment(batch.events().size()));
    }

    /** Publishing and dead-lettering, side by side; done when the broker has all of both. */
    private Uni<Void> afterCommit(List<Poison> poison, R result) {
        List<Poison> dead = new ArrayList<>(poison);
        dead.addAll(handler.refused(result));
        List<Uni<Void>> sends = new ArrayList<>(dead.size() + 1);
        sends.add(Uni.createFrom().deferred(() -> handler.publish(result))
                .onFailure().invoke(e -> retrying("publish", e))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely());
        for (Poison p : dead) {
            sends.add(DeadLetter.send(deadLetters, p.record(), p.reason(), p.cause(), group, backoff)
                    .invoke(() -> deadLettered.increment()));
        }
        return sends.size() == 1 ? sends.get(0) : Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private void retrying(String stage, Throwable failure) {
        LOG.warnf("%s: %s failed, retrying: %s", channel, stage, failure.toString());
        metrics.counter("kantor.consumer.retries", "channel", channel, "stage", stage).increment();
    }

    /** How long each stage of one delivery took. */
    private final class Stages {
        final long start = System.nanoTime();
        long mark = start;

        /** The time since the last stage was spent waiting, and belongs to none. */
        void skip() {
            mark = System.nanoTime();
        }

        void next(String stage) {
            long now = System.nanoTime();
            Timer.builder("kantor.consumer.stage").tags("channel", channel, "stage", stage).register(metrics)
                    .record(now - mark, TimeUnit.NANOSECONDS);
            mark = now;
        }
    }
}
