package dev.kantor.topology;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a service reads, writes and which consumer groups it uses, read from its own application.properties (the
 * channels of SmallRye Reactive Messaging): the ACLs of its KafkaUser are made from this, so they cannot drift from
 * what the service really does. The Kubernetes KafkaUsers (k8s/) and the secured local broker (KafkaAcls) both use it.
 */
public record ServiceChannels(String service, Set<String> reads, Set<String> writes, Set<String> groups) {

    /** One ACL grant in neither Kafka's nor Strimzi's terms, so that the broker's ACLs and the KafkaUsers are the same list. */
    public record Grant(String resourceType, String name, List<String> operations) {
    }

    /**
     * What the service's principal is allowed: Read and Describe on what it reads, Write and Describe on what it
     * writes, Read on its consumer groups; the one mapping from channels to ACLs (KafkaAcls, TopologyManifests).
     */
    public List<Grant> grants() {
        List<Grant> grants = new ArrayList<>();
        reads.forEach(topic -> grants.add(new Grant("topic", topic, List.of("Read", "Describe"))));
        writes.forEach(topic -> grants.add(new Grant("topic", topic, List.of("Write", "Describe"))));
        groups.forEach(group -> grants.add(new Grant("group", group, List.of("Read"))));
        return grants;
    }

    /** The channels of a service of this checkout (services/NAME/src/main/resources/application.properties). */
    public static ServiceChannels of(String service) {
        return of(service, ProjectRoot.find().resolve("services/" + service + "/src/main/resources/application.properties"));
    }

    public static ServiceChannels of(String service, Path applicationProperties) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + applicationProperties, e);
        }
        Set<String> reads = new TreeSet<>();
        Set<String> writes = new TreeSet<>();
        Set<String> groups = new TreeSet<>();
        Map<String, String> connectors = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.matches("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.connector") && "smallrye-kafka".equals(properties.getProperty(key))) {
                connectors.put(key.substring(0, key.length() - ".connector".length()), key.split("\\.")[2]);
            }
        }
        connectors.forEach((prefix, direction) -> {
            String channel = prefix.substring(prefix.lastIndexOf('.') + 1);
            String topics = properties.getProperty(prefix + ".topics", properties.getProperty(prefix + ".topic", channel));
            for (String topic : topics.split(",")) {
                (direction.equals("incoming") ? reads : writes).add(topic.strip());
            }
            if (direction.equals("incoming")) {
                groups.add(properties.getProperty(prefix + ".group.id", service));
            }
        });
        return new ServiceChannels(service, reads, writes, groups);
    }
}
