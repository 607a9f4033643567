package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import dev.kantor.topology.Services;
import dev.kantor.topology.ServiceChannels;

/**
 * The users and ACLs of a secured broker, made from the same declarations as the Kubernetes KafkaUsers: one SCRAM
 * user per service, allowed to read the topics its incoming channels read, write the topics its outgoing channels
 * write, and use its consumer groups; nothing else.
 */
public final class KafkaAcls {

    /** The local platform's super user password: loopback only, never for a shared cluster. */
    public static final String LOCAL_ADMIN_PASSWORD = "kantor-local-admin";

    private KafkaAcls() {
    }

    /** A service's password on the secured local platform: loopback only, never for a shared cluster. */
    public static String localPassword(String service) {
        return "kantor-local-" + service;
    }

    /** Every service's user on the secured local platform, and the ACLs of their channels (missing ones only). */
    static void applyLocal(Admin admin, TopologyApplier applier, dev.kantor.topology.Topology topology, ReplicationProfile replication)
            throws Exception {
        Map<String, String> passwords = new java.util.HashMap<>();
        Services.PORTS.keySet().forEach(service -> passwords.put(service, localPassword(service)));
        upsertUsers(admin, passwords);
        TopologyDiff.Desired desired = desired(topology, replication);
        List<String> changes = applier.apply(desired);
        changes.stream().filter(change -> !change.startsWith("+ acl ")).forEach(change -> System.out.println("  topology: " + change));
        long acls = changes.stream().filter(change -> change.startsWith("+ acl ")).count();
        if (acls > 0) {
            System.out.println("  kafka: " + acls + " ACLs created (kantor topology plan lists them)");
        }
        awaitApplied(admin, passwords.keySet(), List.copyOf(desired.acls()));
    }

    /** The exchange's services, each with the channels its application.properties declares. */
    public static Map<String, ServiceChannels> exchangeServices() {
        Map<String, ServiceChannels> services = new java.util.LinkedHashMap<>();
        Services.PORTS.keySet().forEach(service -> services.put(service, ServiceChannels.of(service)));
        return services;
    }

    /** The topology's topics and the exchange services' ACLs: what a cluster of the exchange must hold. */
    public static TopologyDiff.Desired desired(dev.kantor.topology.Topology topology, ReplicationProfile replication) {
        Map<String, ServiceChannels> services = exchangeServices();
        return TopologyDiff.Desired.of(topology, replication, principals(services.keySet()), bindings(services));
    }

    /** The principal of each service's user (the KafkaUser's name on Strimzi, the SCRAM user locally). */
    public static java.util.Set<String> principals(java.util.Collection<String> services) {
        java.util.Set<String> principals = new java.util.TreeSet<>();
        services.forEach(service -> principals.add("User:" + service));
        return principals;
    }

    /** The ACLs the services' channels need, from the same grants as the KafkaUsers of k8s/. */
    public static java.util.Set<AclBinding> bindings(Map<String, ServiceChannels> services) {
        java.util.Set<AclBinding> acls = new java.util.LinkedHashSet<>();
        services.forEach((service, channels) -> channels.grants().forEach(grant -> grant.operations().forEach(operation ->
                acls.add(allow(ResourceType.valueOf(grant.resourceType().toUpperCase(java.util.Locale.ROOT)), grant.name(), "User:" + service,
                        AclOperation.valueOf(operation.toUpperCase(java.util.Locale.ROOT)))))));
        return acls;
    }

    /** An ACL as a plan prints it: principal, permission, operation, resource (and host or pattern when not the usual). */
    static String describe(AclBinding binding) {
        AccessControlEntry entry = binding.entry();
        ResourcePattern pattern = binding.pattern();
        return entry.principal() + " " + entry.permissionType() + " " + entry.operation() + " "
                + pattern.resourceType().toString().toLowerCase(java.util.Locale.ROOT) + " " + pattern.name()
                + (pattern.patternType() == PatternType.LITERAL ? "" : " (" + pattern.patternType() + ")")
                + ("*".equals(entry.host()) ? "" : " from " + entry.host());
    }

    /** The client settings that log in as a user. */
    public static Map<String, String> saslConfig(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas(user, password));
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** Creates (or updates) each service's user with the given password, and its ACLs. */
    public static void apply(Admin admin, Map<String, ServiceChannels> services, Map<String, String> passwords) throws Exception {
        upsertUsers(admin, passwords);
        List<AclBinding> acls = List.copyOf(bindings(services));
        admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        awaitApplied(admin, services.keySet(), acls);
    }

    /** Each user with its password (SCRAM-SHA-512): passwords are secrets, never part of a plan. */
    static void upsertUsers(Admin admin, Map<String, String> passwords) throws Exception {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        passwords.forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
        admin.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
    }

    /**
     * The admin calls complete when the controller has the records; a broker applies them a moment later, and a
     * service that logs in within that moment is refused as a stranger. Waits (bounded) until the broker answering
     * describes every user and every ACL.
     */
    private static void awaitApplied(Admin admin, java.util.Set<String> users, List<AclBinding> acls) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            java.util.Set<String> known = new java.util.HashSet<>();
            try {
                known.addAll(admin.describeUserScramCredentials(new ArrayList<>(users)).users().get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException notYet) {
                // A user the broker does not know yet is an error of the call, not an empty answer.
            }
            java.util.Collection<AclBinding> applied = admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                    .values().get(30, TimeUnit.SECONDS);
            if (known.containsAll(users) && applied.containsAll(acls)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new PlatformException("the broker has not applied the users and ACLs within 60 s");
            }
            Thread.sleep(100); // polling the broker's metadata; nothing to wait on instead
        }
    }

    private static AclBinding allow(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
