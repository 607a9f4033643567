package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

import dev.kantor.topology.Topology;
import dev.kantor.events.EventCatalog;

/**
 * The schema step of the pipeline (seed 004): set the BACKWARD rule, check every schema against the latest
 * registered version, and register what is new. An incompatible change fails with the schema and the field named.
 *
 * <p>Besides BACKWARD (a new reader reads old data), Kantor refuses removing a field that has no default: compacted
 * topics are replayed from the beginning by readers of every version, and a reader still on the old schema could not
 * read records that lack it.
 */
public final class SchemaGate {

    public static final String RULE = "BACKWARD";

    private final SchemaRegistryClient registry;

    public SchemaGate(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /**
     * A schema and the registry artifact it is registered under, with the earlier versions producers may still write
     * (oldest first): they are registered before it, so a registry holds every version a client may send by its id.
     */
    public record Subject(String artifactId, Schema schema, List<Schema> released) {

        public Subject(String artifactId, Schema schema) {
            this(artifactId, schema, List.of());
        }

        /** Every version to register, in order: the released ones, then the current. */
        List<Schema> versions() {
            List<Schema> all = new ArrayList<>(released);
            all.add(schema);
            return all;
        }
    }

    /** The subjects of the declared topology: each topic's value schema from the events jar. */
    public static List<Subject> subjects(Topology topology) {
        List<Subject> subjects = new ArrayList<>();
        for (Topology.TopicSpec topic : topology.topics()) {
            topic.valueSchemaName().ifPresent(name -> subjects.add(new Subject(topic.valueArtifactId(),
                    EventCatalog.schema(name).orElseThrow(() -> new PlatformException(
                            "topic " + topic.name() + " declares value schema " + name + ", which avro-idl does not define")),
                    EventCatalog.released(name))));
        }
        return subjects;
    }

    /**
     * The artifacts whose current schema of this checkout is not (yet) registered: what a service of this release
     * would fail to look up. The init containers of k8s/ wait on it until the register-schemas Job has run.
     */
    public List<String> missing(List<Subject> subjects) {
        List<String> missing = new ArrayList<>();
        for (Subject subject : subjects) {
            String current = EventCatalog.canonical(subject.schema());
            boolean registered = registry.latest(subject.artifactId()).isPresent() && registry.versions(subject.artifactId()).stream()
                    .anyMatch(content -> EventCatalog.canonical(new Schema.Parser().parse(content)).equals(current));
            if (!registered) {
                missing.add(subject.artifactId());
            }
        }
        return missing;
    }

    /** Every incompatibility of the subjects with what is registered; empty when all may be registered. */
    public List<String> check(List<Subject> subjects) {
        List<String> problems = new ArrayList<>();
        for (Subject subject : subjects) {
            // Each version must be able to follow the one before it, wherever the registry stands.
            List<Schema> versions = subject.versions();
            for (int v = 1; v < versions.size(); v++) {
                for (String p : incompatibilities(versions.get(v), versions.get(v - 1))) {
                    problems.add("schema " + subject.artifactId() + " version " + (v + 1) + " of this checkout is incompatible with"
                            + " its version " + v + " under " + RULE + ": " + p);
                }
            }
            Optional<SchemaRegistryClient.Version> latest = registry.latest(subject.artifactId());
            if (latest.isEmpty()) {
                continue;
            }
            Schema registered = new Schema.Parser().parse(latest.get().content());
            List<String> local = incompatibilities(subject.schema(), registered);
            List<String> remote = registry.dryRun(subject.artifactId(), EventCatalog.canonical(subject.schema()));
            if (!local.isEmpty() || !remote.isEmpty()) {
                String head = "schema " + subject.artifactId() + " (" + subject.schema().getFullName()
                        + ") is incompatible with registered version " + latest.get().version() + " under " + RULE + ": ";
                local.forEach(p -> problems.add(head + p));
                if (local.isEmpty()) {
                    remote.forEach(p -> problems.add(head + "registry: " + p));
                }
            }
        }
        return problems;
    }

    /**
     * Sets the rule, checks all, and registers all only if every one passes: each subject's released versions, then
     * its current one, in the canonical form other languages write (EventCatalog.canonical), and the rule on each
     * subject too (a Confluent-compatible client reads a subject's level, not the global one). Returns the current
     * version of each subject.
     */
    public List<SchemaRegistryClient.Version> checkAndRegister(List<Subject> subjects) {
        registry.setGlobalCompatibility(RULE);
        List<String> problems = check(subjects);
        if (!problems.isEmpty()) {
            throw new IncompatibleSchemaException(problems);
        }
        List<SchemaRegistryClient.Version> current = new ArrayList<>();
        for (Subject subject : subjects) {
            SchemaRegistryClient.Version version = null;
            for (Schema schema : subject.versions()) {
                version = registry.register(subject.artifactId(), EventCatalog.canonical(schema));
            }
            registry.setArtifactCompatibility(subject.artifactId(), RULE);
            current.add(version);
        }
        return current;
    }

    /** What stops a candidate from replacing the registered schema, each naming the field concerned. */
    static List<String> incompatibilities(Schema candidate, Schema registered) {
        List<String> problems = new ArrayList<>();
        for (Incompatibility i : SchemaCompatibility.checkReaderWriterCompatibility(candidate, registered)
                .getResult().getIncompatibilities()) {
            problems.add(describe(candidate, i));
        }
        // Read the other way round, a field the old reader needs and the new writer no longer has shows up here.
        for (Incompatibility i : SchemaCompatibility.checkReaderWriterCompatibility(registered, candidate)
                .getResult().getIncompatibilities()) {
            if (i.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE) {
                problems.add("field '" + i.getMessage() + "' was removed but has no default in the registered version "
                        + "(at " + i.getLocation() + ")");
            }
        }
        return problems;
    }

    private static String describe(Schema reader, Incompatibility i) {
        String field = i.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE
                ? i.getMessage()
                : fieldAt(reader, i.getLocation());
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "field '" + field + "' was added without a default (at "
                    + i.getLocation() + ")";
            default -> "field '" + field + "' " + i.getType() + ": " + i.getMessage() + " (at " + i.getLocation() + ")";
        };
    }

    /** Turns a location such as /fields/2/type into the dotted field path it points at, e.g. amount.currency. */
    static String fieldAt(Schema schema, String location) {
        List<String> names = new ArrayList<>();
        Schema current = schema;
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length; i++) {
            if ("fields".equals(parts[i]) && i + 1 < parts.length && current != null
                    && current.getType() == Schema.Type.RECORD) {
                int index = Integer.parseInt(parts[++i]);
                if (index >= current.getFields().size()) {
                    break;
                }
                Schema.Field field = current.getFields().get(index);
                names.add(field.name());
                current = field.schema();
            } else if (current != null && current.getType() == Schema.Type.UNION && parts[i].matches("\\d+")) {
                current = current.getTypes().get(Integer.parseInt(parts[i]));
            } else if ("items".equals(parts[i]) && current != null && current.getType() == Schema.Type.ARRAY) {
                current = current.getElementType();
            } else if ("values".equals(parts[i]) && current != null && current.getType() == Schema.Type.MAP) {
                current = current.getValueType();
            }
        }
        return names.isEmpty() ? location : String.join(".", names);
    }

    /** The build-failing error: one line per incompatibility. */
    public static final class IncompatibleSchemaException extends PlatformException {

        private final List<String> problems;

        public IncompatibleSchemaException(List<String> problems) {
            super("incompatible schema change, nothing registered:" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
