package dev.kantor.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SecurityDisabledException;

import dev.kantor.topology.Topology;

/**
 * What a cluster holds of what a topology declares, read once so that the diff ({@link TopologyDiff}) is a pure
 * function a unit test can feed without a broker.
 *
 * @param brokers    how many brokers answer (the replication of new topics follows from it)
 * @param partitions every topic (Kafka's internal ones aside) with its partition count; {@link #UNDESCRIBED} for an undeclared one
 * @param configs    the declared topics present, their configs as the broker reports them
 * @param acls       every ACL, or empty when the cluster has no authorizer
 */
public record ClusterState(int brokers, Map<String, Integer> partitions, Map<String, Map<String, String>> configs,
        Optional<Set<AclBinding>> acls) {

    private static final long TIMEOUT_S = 30;

    /** The partition count given to a topic the topology does not declare: it is not described. */
    static final int UNDESCRIBED = -1;

    /** Reads the cluster; {@code withAcls} false leaves ACLs out (empty), as for a topology that declares none. */
    public static ClusterState read(Admin admin, Topology topology, boolean withAcls)
            throws InterruptedException, ExecutionException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS).size();
        Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<String, Integer> partitions = new HashMap<>();
        // Only the declared topics are described: an undeclared one needs no more than its name (it is kept, or
        // deleted with --allow-delete), and describing one that another client is deleting would fail the whole read.
        Set<String> declaredNames = topology.topics().stream().map(Topology.TopicSpec::name).filter(names::contains)
                .collect(java.util.stream.Collectors.toSet());
        names.stream().filter(name -> !declaredNames.contains(name)).forEach(name -> partitions.put(name, UNDESCRIBED));
        if (!declaredNames.isEmpty()) {
            Map<String, TopicDescription> described = admin.describeTopics(declaredNames).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
            described.forEach((name, description) -> partitions.put(name, description.partitions().size()));
        }
        List<ConfigResource> declared = topology.topics().stream().map(Topology.TopicSpec::name).filter(partitions::containsKey)
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<String, Map<String, String>> configs = new HashMap<>();
        if (!declared.isEmpty()) {
            Map<ConfigResource, Config> described = admin.describeConfigs(declared).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            described.forEach((resource, config) -> {
                Map<String, String> values = new HashMap<>();
                for (ConfigEntry entry : config.entries()) {
                    if (entry.value() != null) {
                        values.put(entry.name(), entry.value());
                    }
                }
                configs.put(resource.name(), values);
            });
        }
        return new ClusterState(brokers, partitions, configs, withAcls ? acls(admin) : Optional.empty());
    }

    private static Optional<Set<AclBinding>> acls(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_S, TimeUnit.SECONDS)));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
