package dev.kantor.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.topology.Services;

/**
 * Packaged services (JVM jars, or native executables with -Dkantor.native=true) on the local platform, each on a free
 * port, in place of the platform's own instances. Tests stop, kill, replace and add instances by name.
 */
public final class PackagedServices implements AutoCloseable {

    private final Endpoints endpoints;
    private final LocalPlatform platform;
    private final Map<String, ServicePart> parts = new LinkedHashMap<>();
    private final Map<String, ServicePart> canaries = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>(Map.of("kantor.gateway.demo-users", "*",
            "kantor.transaction.max-rate-age", "PT1H"));

    /** Every service of the platform. */
    public PackagedServices() {
        this(Services.PORTS.keySet());
    }

    public PackagedServices(Iterable<String> names) {
        this(LocalPlatform.fromEnvironment(), names);
    }

    /** The named services with extra configuration for every instance (a test's own application id, say). */
    public PackagedServices(Iterable<String> names, Map<String, String> configuration) {
        this(LocalPlatform.fromEnvironment(), names, configuration);
    }

    public PackagedServices(LocalPlatform platform, Iterable<String> names) {
        this(platform, names, Map.of());
    }

    /** The named services on the given platform (another one than this checkout's: three brokers, secured...). */
    public PackagedServices(LocalPlatform platform, Iterable<String> names, Map<String, String> configuration) {
        this.platform = platform;
        this.properties.putAll(configuration);
        endpoints = platform.ensureRunning();
        for (String name : names) {
            platform.stopOwnInstance(name);
            ServicePart part = part(name, "");
            part.start();
            parts.put(name, part);
        }
        parts.values().forEach(part -> part.awaitHealthy(Duration.ofSeconds(180)));
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    private ServicePart part(String name, String instance) {
        return part(name, instance, dev.kantor.platform.PlatformConfig.projectRoot());
    }

    private ServicePart part(String name, String instance, Path build) {
        return new ServicePart(name, build, Ports.any(), endpoints, Path.of("target", "e2e-" + name + instance + ".log").toAbsolutePath(),
                properties);
    }

    /**
     * An instance built from another checkout (an older release, see ReleasedBuild) under the service's name, in
     * place of the platform's own instance; {@link #replace} later puts this checkout's build in its place.
     */
    public ServicePart startBuild(String name, Path build) {
        platform.stopOwnInstance(name);
        ServicePart part = part(name, "-" + build.getFileName(), build);
        part.start();
        part.awaitHealthy(Duration.ofSeconds(180));
        parts.put(name, part);
        return part;
    }

    /** A new instance (a new version, as far as the platform can tell) in place of the stopped one. */
    public void replace(String name) {
        ServicePart next = part(name, "-v2-" + System.nanoTime());
        next.start();
        next.awaitHealthy(Duration.ofSeconds(180));
        parts.put(name, next);
    }

    /** A second instance of a service in the same consumer group: the partitions (and HTTP clients) split between the two. */
    public ServicePart addCanary(String name) {
        ServicePart canary = part(name, "-canary");
        canary.start();
        canary.awaitHealthy(Duration.ofSeconds(180));
        canaries.put(name, canary);
        return canary;
    }

    /** The canary scaled away: a clean stop, its partitions go back to the stable instance. */
    public void removeCanary(String name) {
        canaries.remove(name).stop();
    }

    /** Moves a stopped consumer group back to the beginning of every topic it reads. */
    public void rewind(String group) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, java.util.concurrent.TimeUnit.SECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> start = new java.util.HashMap<>();
            committed.keySet().forEach(tp -> start.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)));
            // The group may still be seen as active for a moment after its member stopped: retry until it is empty.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> admin.alterConsumerGroupOffsets(group, start).all().get(10, java.util.concurrent.TimeUnit.SECONDS) == null);
        } catch (Exception e) {
            throw new IllegalStateException("could not rewind " + group, e);
        }
    }

    public ServicePart get(String name) {
        return parts.get(name);
    }

    public String url(String name) {
        return "http://127.0.0.1:" + parts.get(name).port();
    }

    /** Starts a stopped or killed service again and waits until it is ready. */
    public void restart(String name) {
        parts.get(name).start();
        parts.get(name).awaitHealthy(Duration.ofSeconds(180));
    }

    @Override
    public void close() {
        canaries.values().forEach(ServicePart::stop);
        parts.values().forEach(ServicePart::stop);
    }
}
