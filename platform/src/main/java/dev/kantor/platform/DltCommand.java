package dev.kantor.platform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kantor dlt list|show|replay}: the operator's tool for dead letters. The services only ever write them; this
 * reads them, explains them, and sends fixed ones back to where they came from exactly as they were, so that the
 * consumers' own idempotence (by event id) applies each at most once however often it is replayed.
 */
public final class DltCommand {

    /** Exit codes, as the audit's: done; a replay that refused records, or had none to send; a usage or connection error. */
    public static final int DONE = 0;
    public static final int REFUSED = 1;
    public static final int CANNOT_RUN = 2;

    static final String USAGE = """
            usage: kantor dlt list [ENDPOINTS]
                   kantor dlt show TOPIC [--reason TEXT | --offsets P:O,...] [ENDPOINTS]
                   kantor dlt replay TOPIC [--reason TEXT | --offsets P:O,...] [--force] [ENDPOINTS]
              list     every dead-letter topic: records, the oldest one's time, reasons grouped (ids and numbers masked)
              show     each record: reason, exception, source topic/partition/offset, consumer group, key, headers,
                       the payload decoded through the registry (else a hex and base64 preview)
              replay   sends each record's original key, value and headers (without the dead-letter-* ones) back to its
                       source topic and records it in kantor.dlt-replays; records replayed before are refused unless --force
              --reason   only records whose reason contains TEXT;  --offsets  only these PARTITION:OFFSET places of TOPIC
              ENDPOINTS  [--bootstrap HOST:PORT] [--kafka-user USER --kafka-password PASSWORD] [--registry URL], by default
                         the running platform of KANTOR_HOME (platform.json), else the KANTOR_* ports, as for kantor audit
              exit 0 done, 1 when replay refused records or found none, 2 on a usage error or when it cannot run""";

    private final DltTarget target;
    private final PrintStream out;

    private DltCommand(DltTarget target, PrintStream out) {
        this.target = target;
        this.out = out;
    }

    /** The parsed command line: what to do, on which topic, which records. */
    record Request(String action, Optional<String> topic, DltSelection selection, boolean force) {

        static Request parse(List<String> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("say list, show or replay");
            }
            String action = args.get(0);
            if (!List.of("list", "show", "replay").contains(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "': list, show or replay");
            }
            Optional<String> topic = Optional.empty();
            DltSelection selection = DltSelection.all();
            boolean chosen = false;
            boolean force = false;
            for (int i = 1; i < args.size(); i++) {
                String word = args.get(i);
                switch (word) {
                    case "--reason", "--offsets" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(word + " needs a value");
                        }
                        if (chosen) {
                            throw new IllegalArgumentException("--reason and --offsets are alternatives: give one");
                        }
                        chosen = true;
                        String value = args.get(++i);
                        selection = word.equals("--reason") ? DltSelection.reason(value) : DltSelection.offsets(value);
                    }
                    case "--force" -> force = true;
                    default -> {
                        if (word.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + word);
                        }
                        if (topic.isPresent()) {
                            throw new IllegalArgumentException("one topic at a time, not " + topic.get() + " and " + word);
                        }
                        topic = Optional.of(word);
                    }
                }
            }
            if (action.equals("list") && (topic.isPresent() || chosen || force)) {
                throw new IllegalArgumentException("list takes no topic and no selection");
            }
            if (!action.equals("list") && topic.isEmpty()) {
                throw new IllegalArgumentException(action + " needs a dead-letter TOPIC (kantor dlt list names them)");
            }
            if (force && !action.equals("replay")) {
                throw new IllegalArgumentException("--force is for replay");
            }
            return new Request(action, topic, selection, force);
        }
    }

    /** The command line: prints what it did; see {@link #USAGE} for the exit codes. */
    public static int command(List<String> args, PlatformConfig config, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return DONE;
        }
        Request request;
        DltTarget target;
        try {
            List<String> rest = new ArrayList<>();
            target = DltTarget.parse(args, config, rest);
            request = Request.parse(rest);
        } catch (IllegalArgumentException e) {
            err.println("kantor dlt: " + e.getMessage());
            err.println(USAGE);
            return CANNOT_RUN;
        }
        try {
            return new DltCommand(target, out).run(request);
        } catch (PlatformException e) {
            err.println("kantor dlt: " + e.getMessage());
            return CANNOT_RUN;
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("kantor dlt: the broker at " + target.bootstrapServers() + " failed: " + e.getMessage());
            return CANNOT_RUN;
        }
    }

    private int run(Request request) {
        try (DltCluster cluster = new DltCluster(target)) {
            Set<String> existing = cluster.topics();
            if (request.action().equals("list")) {
                return list(cluster, existing);
            }
            String topic = request.topic().orElseThrow();
            if (!existing.contains(topic)) {
                throw new PlatformException("no topic " + topic + " at " + target.bootstrapServers() + "; its dead-letter topics: "
                        + String.join(", ", DltCluster.deadLetterTopics(existing).stream().filter(existing::contains).toList()));
            }
            DltCluster.Selected found = cluster.select(topic, request.selection());
            List<DltSelection.Position> missing = request.selection().missing(found.records());
            if (!missing.isEmpty()) {
                throw new PlatformException("no record of " + topic + " at " + String.join(",", missing.stream().map(Object::toString).toList()));
            }
            Map<String, ReplayLog.Entry> replays = cluster.replays(topic, existing);
            List<DeadLetterRecord> selected = found.records();
            if (found.total() == 0) {
                out.println(topic + " is empty: nothing was dead-lettered there (or all of it is past its retention).");
                return request.action().equals("replay") ? REFUSED : DONE;
            }
            if (selected.isEmpty()) {
                out.println("no record of " + topic + " " + request.selection().describe() + " (of " + found.total()
                        + (found.total() == 1 ? " record)." : " records)."));
                return request.action().equals("replay") ? REFUSED : DONE;
            }
            return request.action().equals("show") ? show(selected, replays) : replay(cluster, topic, selected, replays, request);
        }
    }

    private int list(DltCluster cluster, Set<String> existing) {
        List<String> topics = DltCluster.deadLetterTopics(existing);
        if (topics.isEmpty()) {
            out.println("no dead-letter topics at " + target.describe() + " (neither declared ones nor any *.dlt)");
            return DONE;
        }
        out.println("dead-letter topics at " + target.describe());
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                out.print(DltSummary.absent(topic).text());
                continue;
            }
            Map<String, ReplayLog.Entry> replays = cluster.replays(topic, existing);
            DltSummary.Tally tally = new DltSummary.Tally(topic, replays.keySet());
            cluster.forEach(topic, tally::add);
            out.print(tally.summary().text());
        }
        return DONE;
    }

    private int show(List<DeadLetterRecord> selected, Map<String, ReplayLog.Entry> replays) {
        PayloadDecoder payloads = new PayloadDecoder(target.registryApiV2());
        for (DeadLetterRecord record : selected) {
            out.println(DltFormat.text(record, Optional.ofNullable(replays.get(record.id())), payloads::describe));
        }
        out.println(selected.size() + (selected.size() == 1 ? " record" : " records"));
        return DONE;
    }

    private int replay(DltCluster cluster, String topic, List<DeadLetterRecord> selected, Map<String, ReplayLog.Entry> replays,
            Request request) {
        if (!cluster.topics().contains(ReplayLog.TOPIC)) {
            throw new PlatformException("the replay log " + ReplayLog.TOPIC + " is absent at " + target.bootstrapServers()
                    + ": nothing was sent. It is declared in kantor-topology.yaml: ./kantor up creates it, on Kubernetes the"
                    + " KafkaTopic of k8s/base/kafka/topics.yaml");
        }
        // Planned against the log as it is once this replay holds the topic's transactional id (DltCluster.replay).
        DltCluster.Replayed replayed = cluster.replay(topic, log -> ReplayPlan.of(selected, log, request.force()));
        ReplayPlan plan = replayed.plan();
        plan.refusals().forEach(line -> out.println("refused  " + line));
        List<ReplayLog.Entry> sent = replayed.sent();
        for (int i = 0; i < sent.size(); i++) {
            DeadLetterRecord record = plan.toSend().get(i);
            out.println("replayed " + record.topic() + " " + record.partition() + ":" + record.offset() + " -> " + sent.get(i).topic()
                    + " " + sent.get(i).partition() + "@" + sent.get(i).offset() + " (key " + record.keyText()
                    + record.header("event-id").map(id -> ", event-id " + id).orElse("") + ")");
        }
        out.println("replayed " + sent.size() + ", refused " + plan.refusals().size() + " of " + selected.size()
                + (selected.size() == 1 ? " record" : " records") + " of " + topic
                + (request.selection().describe().isEmpty() ? "" : " " + request.selection().describe()));
        return plan.refusals().isEmpty() ? DONE : REFUSED;
    }
}
