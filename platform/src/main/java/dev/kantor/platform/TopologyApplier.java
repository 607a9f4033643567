package dev.kantor.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import dev.kantor.topology.Topology;

/**
 * Makes a cluster match the declared topology: creates missing topics, raises partition counts and sets configs
 * that differ. What already matches is left alone, so applying twice changes nothing.
 */
public final class TopologyApplier {

    private final Admin admin;
    private final ReplicationProfile replication;

    public TopologyApplier(Admin admin, ReplicationProfile replication) {
        this.admin = admin;
        this.replication = replication;
    }

    /** Applies the topology and returns what it changed, one line each (empty when nothing had to change). */
    public List<String> apply(Topology topology) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> changes = new ArrayList<>();
            List<NewTopic> toCreate = new ArrayList<>();
            List<Topology.TopicSpec> toCheck = new ArrayList<>();
            for (Topology.TopicSpec spec : topology.topics()) {
                if (existing.contains(spec.name())) {
                    toCheck.add(spec);
                } else {
                    toCreate.add(new NewTopic(spec.name(), spec.partitions(), replication.replicationFactor())
                            .configs(desiredConfig(spec)));
                    changes.add("created " + spec.name() + " (" + spec.partitions() + " partitions, replication "
                            + replication.replicationFactor() + ")");
                }
            }
            if (!toCreate.isEmpty()) {
                admin.createTopics(toCreate).all().get(60, TimeUnit.SECONDS);
            }
            if (!toCheck.isEmpty()) {
                changes.addAll(reconcile(toCheck));
            }
            return changes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while applying the topology", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PlatformException("could not apply the topology: " + e.getMessage(), e);
        }
    }

    Map<String, String> desiredConfig(Topology.TopicSpec spec) {
        Map<String, String> config = new HashMap<>(spec.config());
        config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replication.minInsyncReplicas()));
        return config;
    }

    private List<String> reconcile(Collection<Topology.TopicSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> changes = new ArrayList<>();
        Map<String, TopicDescription> descriptions = admin
                .describeTopics(specs.stream().map(Topology.TopicSpec::name).toList())
                .allTopicNames().get(30, TimeUnit.SECONDS);
        Map<String, NewPartitions> morePartitions = new HashMap<>();
        List<ConfigResource> resources = specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
        for (Topology.TopicSpec spec : specs) {
            int current = descriptions.get(spec.name()).partitions().size();
            if (current < spec.partitions()) {
                morePartitions.put(spec.name(), NewPartitions.increaseTo(spec.partitions()));
                changes.add("partitions of " + spec.name() + ": " + current + " -> " + spec.partitions());
            } else if (current > spec.partitions()) {
                throw new PlatformException("topic " + spec.name() + " has " + current + " partitions, more than the "
                        + spec.partitions() + " declared: Kafka cannot remove partitions; fix the declaration");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            Config actual = configs.get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            desiredConfig(spec).forEach((key, value) -> {
                ConfigEntry entry = actual.get(key);
                if (entry == null || !value.equals(entry.value())) {
                    ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
                    changes.add(spec.name() + " " + key + ": " + (entry == null ? "unset" : entry.value()) + " -> " + value);
                }
            });
            if (!ops.isEmpty()) {
                alterations.put(resource, ops);
            }
        }
        if (!morePartitions.isEmpty()) {
            admin.createPartitions(morePartitions).all().get(30, TimeUnit.SECONDS);
        }
        if (!alterations.isEmpty()) {
            admin.incrementalAlterConfigs(alterations).all().get(30, TimeUnit.SECONDS);
        }
        return changes;
    }
}
