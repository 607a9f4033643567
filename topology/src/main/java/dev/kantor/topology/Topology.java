package dev.kantor.topology;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The declared Kafka topology (kantor-topology.yaml): every topic with its partitions, configs and value schema. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Topology(List<TopicSpec> topics) {

    public static final String RESOURCE = "kantor-topology.yaml";

    /** One topic as declared. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TopicSpec(String name, String description, int partitions, String valueSchema, Map<String, String> config) {

        public TopicSpec {
            config = config == null ? Map.of() : Map.copyOf(config);
        }

        public Optional<String> valueSchemaName() {
            return Optional.ofNullable(valueSchema);
        }

        /** The registry artifact id the serdes look up for this topic's values (TopicIdStrategy). */
        public String valueArtifactId() {
            return name + "-value";
        }
    }

    /** The topics of a vessel's own cluster (the reefer fleet): what its devices and its edge write. */
    public static final String VESSEL_RESOURCE = "fleet-vessel-topology.yaml";

    /** The exchange's topology. */
    public static Topology load() {
        return load(RESOURCE);
    }

    /** A vessel cluster's topology; ashore, MirrorMaker 2 names its topics by origin (vessel1.reefer-alerts). */
    public static Topology vessel() {
        return load(VESSEL_RESOURCE);
    }

    private static Topology load(String resource) {
        try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return new ObjectMapper(new YAMLFactory()).readValue(in, Topology.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    public TopicSpec topic(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic '" + name + "' in " + RESOURCE));
    }
}
