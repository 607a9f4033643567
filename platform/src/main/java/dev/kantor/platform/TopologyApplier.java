package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;

import dev.kantor.topology.Topology;

/**
 * Makes a cluster match the declared topology: reads it, plans ({@link TopologyDiff}) and carries the plan out,
 * reporting each change's outcome on its own. `kantor up`, `kantor topology apply` and the tests all go through here, so that what a plan
 * shows is what any of them does. What already matches is left alone: applying twice changes nothing.
 */
public final class TopologyApplier {

    private static final long TIMEOUT_S = 60;

    private final Admin admin;
    private final ReplicationProfile replication;

    public TopologyApplier(Admin admin, ReplicationProfile replication) {
        this.admin = admin;
        this.replication = replication;
    }

    /** What one change came to: done, or failed with the broker's reason. */
    public record Outcome(TopologyPlan.Change change, String failure) {
        public boolean failed() {
            return failure != null;
        }

        public String describe() {
            return (failed() ? "FAILED " : "done   ") + change.describe() + (failed() ? ": " + failure : "");
        }
    }

    /**
     * Applies the topology's topics (no ACLs, no deletions) and returns what it changed, one line each (empty when
     * nothing had to change); a difference it cannot repair or a change that failed is a {@link PlatformException}.
     */
    public List<String> apply(Topology topology) {
        return apply(TopologyDiff.Desired.topicsOnly(topology, replication));
    }

    /** The same for topics and ACLs as desired, never deleting: plan, then carry out exactly that plan. */
    public List<String> apply(TopologyDiff.Desired desired) {
        TopologyPlan plan = plan(desired, false);
        if (!plan.problems().isEmpty()) {
            throw new PlatformException(String.join("; ", plan.problems()));
        }
        List<Outcome> outcomes = execute(plan);
        List<String> failed = outcomes.stream().filter(Outcome::failed).map(Outcome::describe).toList();
        if (!failed.isEmpty()) {
            throw new PlatformException("could not apply the topology: " + String.join("; ", failed));
        }
        return outcomes.stream().map(o -> o.change().describe()).toList();
    }

    /** The plan against the cluster as it is now. */
    public TopologyPlan plan(TopologyDiff.Desired desired, boolean allowDelete) {
        try {
            boolean acls = !desired.principals().isEmpty() || !desired.acls().isEmpty();
            return TopologyDiff.diff(desired, ClusterState.read(admin, desired.topology(), acls), allowDelete);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while reading the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PlatformException("could not read the cluster's topics and ACLs: " + (e.getCause() == null ? e : e.getCause()).toString(), e);
        }
    }

    /**
     * Carries out every change of the plan (its problems are not changes: nothing is tried for them), each on its
     * own, so that one refused change does not hide whether the others were made; returns each one's outcome.
     */
    public List<Outcome> execute(TopologyPlan plan) {
        List<Pending> pending = new ArrayList<>();
        List<NewTopic> topics = new ArrayList<>();
        Map<String, NewPartitions> partitions = new java.util.HashMap<>();
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> configs = new java.util.HashMap<>();
        List<TopologyPlan.CreateAcl> newAcls = new ArrayList<>();
        List<TopologyPlan.DeleteAcl> oldAcls = new ArrayList<>();
        List<TopologyPlan.DeleteTopic> oldTopics = new ArrayList<>();
        for (TopologyPlan.Change change : plan.changes()) {
            switch (change) {
                case TopologyPlan.CreateTopic c -> topics.add(new NewTopic(c.topic(), c.partitions(), c.replicationFactor()).configs(c.config()));
                case TopologyPlan.AddPartitions c -> partitions.put(c.topic(), NewPartitions.increaseTo(c.to()));
                case TopologyPlan.SetConfig c -> configs.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, c.topic()), r -> new ArrayList<>())
                        .add(new AlterConfigOp(new ConfigEntry(c.key(), c.to()), AlterConfigOp.OpType.SET));
                case TopologyPlan.CreateAcl c -> newAcls.add(c);
                case TopologyPlan.DeleteAcl c -> oldAcls.add(c);
                case TopologyPlan.DeleteTopic c -> oldTopics.add(c);
            }
        }
        // Topics before their configs, ACLs granted before any are taken, deletions last.
        if (!topics.isEmpty()) {
            Map<String, KafkaFuture<Void>> created = admin.createTopics(topics).values();
            plan.changes().stream().filter(TopologyPlan.CreateTopic.class::isInstance)
                    .forEach(c -> pending.add(new Pending(c, created.get(((TopologyPlan.CreateTopic) c).topic()))));
            await(pending);
        }
        if (!partitions.isEmpty()) {
            Map<String, KafkaFuture<Void>> raised = admin.createPartitions(partitions).values();
            plan.changes().stream().filter(TopologyPlan.AddPartitions.class::isInstance)
                    .forEach(c -> pending.add(new Pending(c, raised.get(((TopologyPlan.AddPartitions) c).topic()))));
        }
        if (!configs.isEmpty()) {
            Map<ConfigResource, KafkaFuture<Void>> altered = admin.incrementalAlterConfigs(configs).values();
            plan.changes().stream().filter(TopologyPlan.SetConfig.class::isInstance).forEach(c -> pending.add(new Pending(c,
                    altered.get(new ConfigResource(ConfigResource.Type.TOPIC, ((TopologyPlan.SetConfig) c).topic())))));
        }
        if (!newAcls.isEmpty()) {
            var created = admin.createAcls(newAcls.stream().map(TopologyPlan.CreateAcl::binding).toList()).values();
            newAcls.forEach(c -> pending.add(new Pending(c, created.get(c.binding()))));
        }
        await(pending);
        if (!oldAcls.isEmpty()) {
            var deleted = admin.deleteAcls(oldAcls.stream().map(c -> c.binding().toFilter()).toList()).values();
            oldAcls.forEach(c -> pending.add(new Pending(c, deleted.get(c.binding().toFilter()).thenApply(r -> null))));
        }
        if (!oldTopics.isEmpty()) {
            Map<String, KafkaFuture<Void>> deleted = admin.deleteTopics(oldTopics.stream().map(TopologyPlan.DeleteTopic::topic).toList())
                    .topicNameValues();
            oldTopics.forEach(c -> pending.add(new Pending(c, deleted.get(c.topic()))));
        }
        await(pending);
        // Reported in the plan's order, whatever order the kinds were sent in.
        Map<TopologyPlan.Change, Outcome> outcomes = new java.util.IdentityHashMap<>();
        pending.forEach(p -> outcomes.put(p.change(), new Outcome(p.change(), p.failure)));
        return plan.changes().stream().map(outcomes::get).toList();
    }

    /** A change sent to the broker, and how it went once awaited. */
    private static final class Pending {
        private final TopologyPlan.Change change;
        private final KafkaFuture<?> result;
        private boolean awaited;
        private String failure;

        Pending(TopologyPlan.Change change, KafkaFuture<?> result) {
            this.change = change;
            this.result = result;
        }

        TopologyPlan.Change change() {
            return change;
        }
    }

    private static void await(List<Pending> pending) {
        for (Pending p : pending) {
            if (p.awaited) {
                continue;
            }
            p.awaited = true;
            try {
                p.result.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.failure = "interrupted";
            } catch (ExecutionException e) {
                p.failure = String.valueOf(e.getCause().getMessage());
            } catch (TimeoutException e) {
                p.failure = "no answer within " + TIMEOUT_S + " s";
            }
        }
    }

    Map<String, String> desiredConfig(Topology.TopicSpec spec) {
        return TopologyDiff.config(spec, replication);
    }
}
