package dev.kantor.testsupport;

import java.util.HashMap;
import java.util.Map;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.ServicePart;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Quarkus test resource that points a service under test at the real local platform: bootstrap servers, registry
 * and datasource. The platform is started once (if it is not running) and left running for the next test class.
 */
public class KantorPlatformResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        // A platform started with `./kantor up` runs the packaged services; the instance under test must not share
        // its consumer groups with them, so they are stopped (`./kantor part NAME start` brings one back).
        ServicePart.SERVICES.keySet().forEach(platform::stopOwnInstance);
        return serviceConfig(endpoints);
    }

    /** The configuration a Kantor service needs to run against the given platform. */
    public static Map<String, String> serviceConfig(Endpoints endpoints) {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", endpoints.kafkaBootstrapServers());
        config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", endpoints.registryApiV2());
        config.put("kantor.registry.url", endpoints.registryUrl());
        config.put("quarkus.datasource.reactive.url", endpoints.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", endpoints.jdbcUrl());
        config.put("quarkus.datasource.username", endpoints.postgresUser());
        config.put("quarkus.datasource.password", endpoints.postgresPassword());
        return config;
    }

    @Override
    public void stop() {
        // The platform outlives the test class on purpose: the next one reuses it; `./kantor down` stops it.
    }
}
