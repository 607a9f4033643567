package dev.kantor.platform;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.acl.AclBinding;

/**
 * What a cluster lacks against the declared topology, as a list that `kantor topology plan` prints and
 * {@link TopologyApplier} carries out, one change at a time: what is planned is exactly what is applied.
 *
 * @param changes what apply does, in that order
 * @param kept    what is on the cluster but not declared, left alone without --allow-delete (shown, not counted)
 * @param problems differences no change can repair (fewer partitions than the cluster has): apply does the rest
 * @param notes   what was not compared and why (ACLs on a cluster without an authorizer)
 */
public record TopologyPlan(List<Change> changes, List<Change> kept, List<String> problems, List<String> notes) {

    public TopologyPlan {
        changes = List.copyOf(changes);
        kept = List.copyOf(kept);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** Nothing to apply and nothing wrong: the cluster is as declared (undeclared extras may remain, kept). */
    public boolean inSync() {
        return changes.isEmpty() && problems.isEmpty();
    }

    /** One difference and what repairs it. */
    public sealed interface Change {
        String describe();
    }

    /** A declared topic the cluster lacks. */
    public record CreateTopic(String topic, int partitions, short replicationFactor, Map<String, String> config) implements Change {
        public CreateTopic {
            config = new TreeMap<>(config);
        }

        public String describe() {
            return "+ topic " + topic + " (" + partitions + " partitions, replication " + replicationFactor + ", " + config + ")";
        }
    }

    /** A topic with fewer partitions than declared. */
    public record AddPartitions(String topic, int from, int to) implements Change {
        public String describe() {
            return "~ topic " + topic + " partitions: " + from + " -> " + to;
        }
    }

    /** A declared config whose value differs (null {@code from}: not set on the topic). */
    public record SetConfig(String topic, String key, String from, String to) implements Change {
        public String describe() {
            return "~ topic " + topic + " " + key + ": " + (from == null ? "unset" : from) + " -> " + to;
        }
    }

    /** A topic on the cluster the topology does not declare. */
    public record DeleteTopic(String topic) implements Change {
        public String describe() {
            return "- topic " + topic;
        }
    }

    /** An ACL a service's channels need that the cluster lacks. */
    public record CreateAcl(AclBinding binding) implements Change {
        public String describe() {
            return "+ acl " + KafkaAcls.describe(binding);
        }
    }

    /** An ACL of a service's principal that its channels do not need. */
    public record DeleteAcl(AclBinding binding) implements Change {
        public String describe() {
            return "- acl " + KafkaAcls.describe(binding);
        }
    }

    /** The plan as printed: one line per change, problem, kept extra and note, and a summary line. */
    public List<String> lines() {
        List<String> lines = new java.util.ArrayList<>();
        changes.forEach(c -> lines.add(c.describe()));
        problems.forEach(p -> lines.add("! " + p));
        kept.forEach(c -> lines.add("  (kept, --allow-delete deletes) " + c.describe()));
        notes.forEach(n -> lines.add("  note: " + n));
        lines.add(inSync() ? "nothing to change" + (kept.isEmpty() ? "" : " (" + kept.size() + " undeclared kept)")
                : changes.size() + (changes.size() == 1 ? " change" : " changes") + (problems.isEmpty() ? "" : ", "
                        + problems.size() + (problems.size() == 1 ? " problem" : " problems") + " no change can repair"));
        return lines;
    }
}
