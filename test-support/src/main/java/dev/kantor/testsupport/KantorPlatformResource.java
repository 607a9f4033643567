package dev.kantor.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.kantor.platform.DatabaseRoles;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.topology.Services;
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
        Services.PORTS.keySet().forEach(platform::stopOwnInstance);
        return serviceConfig(endpoints, serviceUnderTest());
    }

    /**
     * The configuration a Kantor service needs to run against the given platform. It logs in to the database as its
     * own role (DatabaseRoles), as the launcher runs it: a test that reached another service's schema would fail here
     * as it would in production.
     */
    public static Map<String, String> serviceConfig(Endpoints endpoints, String service) {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", endpoints.kafkaBootstrapServers());
        config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", endpoints.registryApiV2());
        config.put("kantor.registry.url", endpoints.registryUrl());
        config.put("quarkus.datasource.reactive.url", endpoints.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", endpoints.jdbcUrl());
        if (service != null && DatabaseRoles.hasDatabase(service)) {
            DatabaseRoles.Login login = DatabaseRoles.login(endpoints, service);
            config.put("quarkus.datasource.username", login.user());
            config.put("quarkus.datasource.password", login.password());
        }
        return config;
    }

    /** The service whose tests run: quarkus.application.name of the application.properties on the class path. */
    static String serviceUnderTest() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : KantorPlatformResource.class.getClassLoader())
                .getResourceAsStream("application.properties")) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("quarkus.application.name");
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void stop() {
        // The platform outlives the test class on purpose: the next one reuses it; `./kantor down` stops it.
    }
}
