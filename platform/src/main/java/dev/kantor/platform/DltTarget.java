package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster and registry `kantor dlt` works on. The endpoint options and their defaults are the audit's (the
 * running platform of KANTOR_HOME, else the KANTOR_* ports; the super user on a --secure local broker), parsed by
 * {@link AuditTarget} itself so that the two commands can never disagree about where they look.
 */
public record DltTarget(String bootstrapServers, Map<String, String> kafkaSecurity, String registryApiV2) {

    static final List<String> OPTIONS = List.of("--bootstrap", "--kafka-user", "--kafka-password", "--registry");

    /** The endpoint options among the arguments; the others are left in {@code rest}. */
    static DltTarget parse(List<String> args, PlatformConfig config, List<String> rest) {
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (OPTIONS.contains(args.get(i))) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(args.get(i) + " needs a value");
                }
                endpoints.add(args.get(i));
                endpoints.add(args.get(++i));
            } else {
                rest.add(args.get(i));
            }
        }
        AuditTarget audit = AuditTarget.parse(endpoints, config);
        return new DltTarget(audit.bootstrapServers(), audit.kafkaSecurity(), audit.registryApiV2());
    }

    /** Client settings every consumer, producer and admin of the command starts from. */
    Map<String, Object> clientConfig(String clientId) {
        Map<String, Object> config = new java.util.HashMap<>(kafkaSecurity);
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        return config;
    }

    String describe() {
        return "kafka " + bootstrapServers + (kafkaSecurity.isEmpty() ? "" : " (SASL)") + ", registry " + registryApiV2;
    }
}
