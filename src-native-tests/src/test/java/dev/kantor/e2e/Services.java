package dev.kantor.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;

/**
 * The local platform and every packaged service (JVM jars, or native executables with -Dkantor.native=true), each
 * on a free port, started once for all scenarios. Scenarios stop, kill and restart them by name.
 */
final class Services implements AutoCloseable {

    final Endpoints endpoints;
    private final Map<String, ServicePart> parts = new LinkedHashMap<>();

    Services() {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        endpoints = platform.ensureRunning();
        for (String name : ServicePart.SERVICES.keySet()) {
            // The platform's own instances would share the consumer groups: the ones under test replace them.
            endpoints.parts().stream().filter(p -> p.name().equals(name) && p.pid() > 0).forEach(p -> platform.part(name, "stop"));
            ServicePart part = new ServicePart(name, Ports.any(), endpoints, Path.of("target", "e2e-" + name + ".log").toAbsolutePath(),
                    Map.of("kantor.gateway.demo-users", "*", "kantor.transaction.max-rate-age", "PT1H"));
            part.start();
            parts.put(name, part);
        }
        parts.values().forEach(part -> part.awaitHealthy(Duration.ofSeconds(180)));
    }

    ServicePart get(String name) {
        return parts.get(name);
    }

    String url(String name) {
        return "http://127.0.0.1:" + parts.get(name).port();
    }

    /** Starts a stopped or killed service again and waits until it is ready. */
    void restart(String name) {
        parts.get(name).start();
        parts.get(name).awaitHealthy(Duration.ofSeconds(180));
    }

    @Override
    public void close() {
        parts.values().forEach(ServicePart::stop);
    }
}
