package dev.kantor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * MirrorMaker 2 in dedicated mode ({@code org.apache.kafka.connect.mirror.MirrorMaker}), in a process of its own with
 * the broker's Kafka jars: one vessel's topics to the shore cluster, named by origin ({@code vessel1.reefer-alerts},
 * the default replication policy), with exactly-once source support, reading only committed records on board.
 */
public final class MirrorMakerPart extends ProcessPart {

    /** The vessel topics that go ashore (the readings too: shore analytics may want them raw). */
    public static final String TOPICS = "reefer-readings|reefer-summaries|reefer-alerts|vessel-positions";

    private final String vessel;
    private final String vesselBootstrap;
    private final String shoreBootstrap;
    private final Path dir;
    private final Path log;
    private final short replication;
    private final int restPort;

    /**
     * @param vesselBootstrap the vessel cluster as seen from shore: its link's address, never the brokers' own
     * @param restPort the workers' internal REST port (loopback)
     */
    public MirrorMakerPart(String vessel, String vesselBootstrap, String shoreBootstrap, Path dir, Path log, short replication, int restPort) {
        this.restPort = restPort;
        this.vessel = vessel;
        this.vesselBootstrap = vesselBootstrap;
        this.shoreBootstrap = shoreBootstrap;
        this.dir = dir;
        this.log = log;
        this.replication = replication;
    }

    @Override
    public String name() {
        return "mirrormaker-" + vessel;
    }

    @Override
    public String address() {
        return vessel + " -> shore (" + vesselBootstrap + " -> " + shoreBootstrap + ")";
    }

    Path configFile() {
        return dir.resolve("mm2.properties");
    }

    void writeConfig() throws IOException {
        Files.createDirectories(dir);
        String flow = vessel + "->shore";
        Files.writeString(configFile(), String.join(System.lineSeparator(),
                "# Written by the Kantor launcher on every start; edit MirrorMakerPart instead.",
                "clusters=" + vessel + ",shore",
                vessel + ".bootstrap.servers=" + vesselBootstrap,
                "shore.bootstrap.servers=" + shoreBootstrap,
                flow + ".enabled=true",
                "shore->" + vessel + ".enabled=false",
                // Else MirrorMaker still runs a shore->vessel worker for heartbeats, with its topics on board.
                "shore->" + vessel + ".emit.heartbeats.enabled=false",
                flow + ".topics=" + TOPICS,
                // Only what the edge committed leaves the vessel; ashore, records and offsets commit together.
                vessel + ".consumer.isolation.level=read_committed",
                "shore.exactly.once.source.support=enabled",
                flow + ".exactly.once.support=required",
                flow + ".sync.group.offsets.enabled=false",
                flow + ".emit.checkpoints.enabled=false",
                "replication.factor=" + replication,
                "heartbeats.topic.replication.factor=" + replication,
                "checkpoints.topic.replication.factor=" + replication,
                "offset-syncs.topic.replication.factor=" + replication,
                "offset.storage.replication.factor=" + replication,
                "status.storage.replication.factor=" + replication,
                "config.storage.replication.factor=" + replication,
                // A satellite link: give a request time before calling the link dead, and retry for ever.
                vessel + ".consumer.request.timeout.ms=30000",
                "refresh.topics.interval.seconds=10",
                // Exactly-once source tasks are fenced and configured through the workers' internal REST (KIP-710).
                "dedicated.mode.enable.internal.rest=true",
                "listeners=http://127.0.0.1:" + restPort,
                ""));
    }

    /** Writes its configuration anew, then the process: never two MirrorMakers of one part (ProcessPart). */
    @Override
    protected ManagedProcess newProcess() {
        try {
            writeConfig();
        } catch (IOException e) {
            throw new PlatformException("cannot write " + configFile(), e);
        }
        return new ManagedProcess(name(), List.of(ManagedProcess.javaExecutable(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", Classpath.launcher(), "org.apache.kafka.connect.mirror.MirrorMaker", configFile().toString()),
                dir, log, Map.of());
    }

    public Path log() {
        return log;
    }
}
