package dev.kantor.k8s;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * CloudNativePG's Cluster (postgresql.cnpg.io/v1), the fields of it we use, as the CRD of the pinned release
 * (CloudNativePG 1.27, README "Deploy to Kubernetes") names and types them. There is no Java model of CloudNativePG;
 * records have no catch-all, so read by StrictModels a field not declared here (a misspelling, or one we have not
 * checked against the CRD) is refused. Add a field here only after finding it in that release's CRD.
 */
record CloudNativePgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    static final String API_VERSION = "postgresql.cnpg.io/v1";

    /** ClusterSpec. */
    record Spec(Integer instances, Storage storage, Bootstrap bootstrap, Managed managed, ResourceRequirements resources,
            Map<String, String> postgresql) {
    }

    /** StorageConfiguration. */
    record Storage(String size, String storageClass, Boolean resizeInUseVolumes) {
    }

    /** BootstrapConfiguration: only initdb is used. */
    record Bootstrap(InitDb initdb) {
    }

    /** BootstrapInitDB. */
    record InitDb(String database, String owner, LocalObjectReference secret, List<String> postInitSQL,
            List<String> postInitApplicationSQL, List<String> postInitTemplateSQL) {
    }

    /** ManagedConfiguration. */
    record Managed(List<Role> roles) {
    }

    /** RoleConfiguration. */
    record Role(String name, String comment, String ensure, LocalObjectReference passwordSecret, Integer connectionLimit,
            String validUntil, List<String> inRoles, Boolean inherit, Boolean disablePassword, Boolean superuser, Boolean createdb,
            Boolean createrole, Boolean login, Boolean replication, Boolean bypassrls) {
    }

    /** LocalObjectReference (CloudNativePG's own: a name only). */
    record LocalObjectReference(String name) {
    }
}
