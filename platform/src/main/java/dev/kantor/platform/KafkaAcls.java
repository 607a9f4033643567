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

    /** Every service's user and ACLs on the secured local platform. */
    static void applyLocal(Admin admin) throws Exception {
        Map<String, ServiceChannels> services = new java.util.LinkedHashMap<>();
        Map<String, String> passwords = new java.util.HashMap<>();
        for (String service : Services.PORTS.keySet()) {
            services.put(service, ServiceChannels.of(service));
            passwords.put(service, localPassword(service));
        }
        apply(admin, services, passwords);
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
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        List<AclBinding> acls = new ArrayList<>();
        services.forEach((service, channels) -> {
            users.add(new UserScramCredentialUpsertion(service, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                    passwords.get(service)));
            String principal = "User:" + service;
            channels.reads().forEach(topic -> {
                acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.READ));
                acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.DESCRIBE));
            });
            channels.writes().forEach(topic -> {
                acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.WRITE));
                acls.add(allow(ResourceType.TOPIC, topic, principal, AclOperation.DESCRIBE));
            });
            channels.groups().forEach(group -> acls.add(allow(ResourceType.GROUP, group, principal, AclOperation.READ)));
        });
        admin.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
        admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        awaitApplied(admin, services.keySet(), acls);
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
