package dev.kantor.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform's services with their HTTP ports, in start order: the one list the launcher, the Kubernetes manifests,
 * the ACLs and the tests all read, so that none of them needs the launcher's process classes to know what exists.
 * The ports are each service's quarkus.http.port (ServicesTest checks they agree).
 */
public final class Services {

    public static final Map<String, Integer> PORTS = ports();

    /**
     * The reefer fleet's services (the second slice): they run against a vessel's cluster, not the exchange's, so the
     * exchange's launcher, manifests and ACLs leave them out.
     */
    public static final Map<String, Integer> FLEET_PORTS = Map.of("fleet-edge", 8090, "fleet-analytics", 8091);

    private Services() {
    }

    private static Map<String, Integer> ports() {
        Map<String, Integer> services = new LinkedHashMap<>();
        services.put("account", 8083);
        services.put("rate", 8084);
        services.put("transaction", 8082);
        services.put("wallet", 8085);
        services.put("gateway", 8080);
        return Collections.unmodifiableMap(services);
    }
}
