package dev.kantor.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;

import dev.kantor.topology.Services;
import dev.kantor.topology.Topology;

/**
 * The reefer fleet under the launcher (./kantor up --fleet): vessel1's own cluster behind its satellite link, its
 * containers (the simulator), its edge, MirrorMaker 2 and its supervisor carrying it ashore, and two analytics
 * instances on the shore cluster (the exchange's). One registry, the shore's, serves the vessel too (README, "Schemas
 * across clusters").
 */
public final class FleetParts {

    public static final String VESSEL = "vessel1";
    /** The second analytics instance's HTTP port (the first has the service's own, 8091). */
    public static final int SECOND_ANALYTICS_PORT = 8092;

    private final PlatformConfig.Fleet fleet;
    private final PlatformConfig config;
    private final KafkaCluster vessel;
    private final List<LinkProxy> links = new ArrayList<>();
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private MirrorMakerPart mirror;
    private MirrorMakerSupervisor mirrorSupervisor;

    public FleetParts(PlatformConfig config) {
        this.config = config;
        this.fleet = config.fleet().orElseThrow();
        String heap = fleet.brokers() == 1 ? "256m" : "192m";
        this.vessel = new KafkaCluster(config.home().resolve(VESSEL + "-kafka-" + fleet.brokers() + "-broker"), config.logs(),
                fleet.brokers(), fleet.port(), heap).named(VESSEL + "-");
        List<Integer> advertised = new ArrayList<>();
        for (int i = 0; i < fleet.brokers(); i++) {
            advertised.add(fleet.linkPort() + i);
        }
        vessel.withUplink(advertised);
        vessel.nodes().forEach(n -> parts.put(n.name(), n));
    }

    /** Every port the fleet binds, with what for: checked free before anything starts. */
    public Map<Integer, String> ports() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        vessel.ports().forEach(p -> ports.put(p, VESSEL + " kafka"));
        for (int i = 0; i < fleet.brokers(); i++) {
            ports.put(vessel.uplinkPort(i), VESSEL + " kafka uplink");
            ports.put(fleet.linkPort() + i, VESSEL + " link proxy");
        }
        Services.FLEET_PORTS.forEach((name, port) -> ports.put(port, name + " service"));
        ports.put(SECOND_ANALYTICS_PORT, "fleet-analytics-2 service");
        return ports;
    }

    /** The vessel's brokers as the vessel's own clients reach them (the devices, the edge): not through the link. */
    public String vesselBootstrapServers() {
        return vessel.bootstrapServers();
    }

    /** The vessel as the shore reaches it: through the link. */
    public String linkBootstrapServers() {
        return String.join(",", links.stream().map(l -> "127.0.0.1:" + l.port()).toList());
    }

    /**
     * Starts the vessel, its link, topics and schemas, MirrorMaker and its supervisor, the simulator, the edge and the
     * two analytics instances; {@code shore} is the running exchange platform.
     */
    public void start(Endpoints shore) {
        try {
            for (int i = 0; i < fleet.brokers(); i++) {
                links.add(new LinkProxy(fleet.linkPort() + i, new InetSocketAddress(InetAddress.getLoopbackAddress(), vessel.uplinkPort(i))));
            }
        } catch (IOException e) {
            throw new PlatformException("cannot open " + VESSEL + "'s link proxy: " + e.getMessage(), e);
        }
        vessel.startAll(PlatformConfig.START_TIMEOUT);
        try (Admin admin = Admin.create(vessel.adminConfig())) {
            new TopologyApplier(admin, ReplicationProfile.forBrokers(fleet.brokers())).apply(Topology.vessel())
                    .forEach(change -> System.out.println("  " + VESSEL + " topology: " + change));
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException("could not set up " + VESSEL + "'s topics: " + e.getMessage(), e);
        }
        new SchemaGate(new SchemaRegistryClient(shore.registryUrl())).checkAndRegister(SchemaGate.subjects(Topology.vessel()));

        mirror = new MirrorMakerPart(VESSEL, linkBootstrapServers(), shore.kafkaBootstrapServers(), config.home().resolve("mm2-" + VESSEL),
                config.logs().resolve("mirrormaker-" + VESSEL + ".log"), ReplicationProfile.forBrokers(shore.brokers()).replicationFactor(),
                Ports.any());
        start(mirror);
        mirrorSupervisor = new MirrorMakerSupervisor(mirror, VESSEL, shore.kafkaBootstrapServers(), Duration.ofSeconds(15)).start();

        start(new SimulatorPart(VESSEL, vessel.bootstrapServers(), shore.registryApiV2(), fleet.containers(), fleet.intervalSeconds(),
                config.logs().resolve("simulator-" + VESSEL + ".log")));
        start(new ServicePart("fleet-edge", Services.FLEET_PORTS.get("fleet-edge"), shore, config.logs().resolve("fleet-edge.log"),
                Map.of("kafka.bootstrap.servers", vessel.bootstrapServers())));
        ServicePart analytics = new ServicePart("fleet-analytics", Services.FLEET_PORTS.get("fleet-analytics"), shore,
                config.logs().resolve("fleet-analytics.log"), Map.of());
        start(analytics);
        start(analytics.instance("fleet-analytics-2", SECOND_ANALYTICS_PORT, config.logs().resolve("fleet-analytics-2.log")));
    }

    private void start(Part part) {
        part.start();
        part.awaitHealthy(PlatformConfig.START_TIMEOUT);
        parts.put(part.name(), part);
    }

    /** The fleet's parts, for the supervisor's table and its part commands (a vessel broker, the edge, MirrorMaker...). */
    public Map<String, Part> parts() {
        return parts;
    }

    /** What a vessel's link does now. */
    public String linkState(String vesselId) {
        requireVessel(vesselId);
        LinkProxy first = links.get(0);
        return first.mode() + (first.mode() == LinkProxy.Mode.THROTTLE ? " " + first.throttleBytesPerSecond() + " B/s" : "");
    }

    /** Cuts, throttles or restores the vessel's satellite link: every broker's proxy at once. */
    public void link(String vesselId, LinkProxy.Mode mode, long bytesPerSecond) {
        requireVessel(vesselId);
        for (LinkProxy link : links) {
            if (mode == LinkProxy.Mode.THROTTLE) {
                link.throttle(bytesPerSecond);
            }
            link.mode(mode);
        }
    }

    private static void requireVessel(String vesselId) {
        if (!VESSEL.equals(vesselId)) {
            throw new PlatformException("no vessel '" + vesselId + "'; the local fleet has " + VESSEL);
        }
    }

    /** Stops the fleet in the reverse order of its start, before the shore it writes to. */
    public void stop() {
        List<Part> started = new ArrayList<>(parts.values());
        java.util.Collections.reverse(started);
        if (mirrorSupervisor != null) {
            mirrorSupervisor.close();
        }
        for (Part part : started) {
            try {
                part.stop();
            } catch (RuntimeException e) {
                System.err.println("kantor: stopping " + part.name() + ": " + e.getMessage());
            }
        }
        links.forEach(LinkProxy::close);
    }
}
