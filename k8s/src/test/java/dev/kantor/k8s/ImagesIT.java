package dev.kantor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The container images really built, with the project's own configuration (the images profile, Jib), from a base
 * this test makes and pushes to a local registry (no Docker, no registry of the internet here): the platform image
 * and the rate service's, read back from the registry and held against what the k8s/ overlays run. The other
 * services' images come from the same profile of services/pom.xml; their names are checked against the overlays too.
 */
class ImagesIT {

    static final Path ROOT = KubernetesManifestsTest.ROOT;
    static final String VERSION = System.getProperty("kantor.project.version", "1.0.0-SNAPSHOT");
    /** The base the images are built from here: no user, no entrypoint, a marker the images must inherit. */
    static final String BASE_MARKER = "KANTOR_SELF_MADE_BASE";

    static LocalImageRegistry registry;
    static JsonNode platform;
    static JsonNode rate;

    @BeforeAll
    static void buildTheImages() throws Exception {
        Path work = ROOT.resolve("k8s/target/images-it");
        deleteRecursively(work);
        registry = LocalImageRegistry.start(work.resolve("registry"));
        String base = registry.host() + "/base/jvm:test";
        pushBase(base, work);
        Path checkout = copyCheckout(work.resolve("checkout"));
        Path log = work.resolve("build.log");
        List<String> command = new ArrayList<>(List.of(checkout.resolve("mvnw").toString(), "-B", "-ntp", "package", "-Pimages",
                "-pl", "services/rate", "-am", "-Dmaven.test.skip=true", "-Dmdep.skip=true",
                "-Dkantor.image.registry=" + registry.host(), "-Dkantor.image.insecure=true", "-Dkantor.image.base-jvm=" + base));
        // Never offline: Jib will not push in Maven's offline mode (what is cached is not fetched again anyway).
        // The rate service's reactor takes the platform in (test support runs it), so one build makes both images.
        Process build = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(15, TimeUnit.MINUTES)) {
            build.destroyForcibly().waitFor();
            throw new AssertionError("the images build did not end within 15 minutes: " + tail(log));
        }
        assertEquals(0, build.exitValue(), "the images build failed: " + tail(log));
        platform = registry.config("kantor/platform", VERSION);
        rate = registry.config("kantor/rate", VERSION);
    }

    @AfterAll
    static void stopTheRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** The command of the register-schemas Jobs and of the await-schemas init containers: PlatformMain, args from the manifests. */
    @Test
    void platformImageRunsTheKantorCommandWithTheManifestsArgs() throws Exception {
        assertEquals(List.of("java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData",
                "-cp", "@/app/jib-classpath-file", "dev.kantor.platform.PlatformMain"), strings(platform.path("config").path("Entrypoint")));
        assertTrue(platform.path("config").path("Cmd").isMissingNode() || platform.path("config").path("Cmd").isNull(),
                "no default arguments: each manifest says which command: " + platform.path("config").path("Cmd"));
        Set<String> wanted = Set.of("app/jib-classpath-file", "app/classes/dev/kantor/platform/PlatformMain.class");
        assertEquals(wanted, registry.filesAmong("kantor/platform", VERSION, wanted), "the entrypoint's class path and main class are in the image");
        for (String overlay : List.of("dev", "prod", "fleet")) {
            for (Container container : containers(KubernetesManifestsTest.build(overlay))) {
                if (container.getImage().startsWith("kantor/platform:")) {
                    assertTrue(container.getCommand() == null || container.getCommand().isEmpty(), overlay + ": " + container.getName()
                            + " keeps the image's entrypoint");
                    assertEquals(List.of("schemas", "--registry", "http://registry:8080"), container.getArgs().subList(0, 3),
                            overlay + ": " + container.getName() + " runs `kantor schemas` against the cluster's registry");
                }
            }
        }
    }

    /** The launcher's JVM options (ServicePart) with the heap from the container's limit; the port the manifests use. */
    @Test
    void serviceImageRunsTheFastJarAsTheLauncherDoesOnTheManifestsPort() throws Exception {
        JsonNode config = rate.path("config");
        assertEquals(List.of("java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-jar", "quarkus-run.jar"), strings(config.path("Entrypoint")));
        assertEquals("/home/jboss", config.path("WorkingDir").asText());
        Set<String> wanted = Set.of("home/jboss/quarkus-run.jar", "home/jboss/quarkus/quarkus-application.dat");
        assertEquals(wanted, registry.filesAmong("kantor/rate", VERSION, wanted), "the fast jar where the entrypoint runs it");
        Container container = containers(KubernetesManifestsTest.build("dev")).stream()
                .filter(c -> c.getImage().startsWith("kantor/rate:")).findFirst().orElseThrow();
        Set<String> ports = new TreeSet<>();
        container.getPorts().forEach(port -> ports.add(port.getContainerPort() + "/tcp"));
        Set<String> exposed = new TreeSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        assertEquals(ports, exposed, "the image exposes the ports the manifests' containers declare");
    }

    /** Numeric, so that the kubelet can check runAsNonRoot, and the one the pods' securityContext names. */
    @Test
    void imagesRunAsTheManifestsNonRootUser() throws Exception {
        Set<Long> runAsUsers = new HashSet<>();
        for (String overlay : List.of("dev", "fleet")) {
            for (PodSpec pod : pods(KubernetesManifestsTest.build(overlay))) {
                if (pod.getSecurityContext() != null && pod.getSecurityContext().getRunAsUser() != null) {
                    runAsUsers.add(pod.getSecurityContext().getRunAsUser());
                }
            }
        }
        assertEquals(Set.of(185L), runAsUsers, "the pods' runAsUser");
        for (JsonNode image : List.of(platform, rate)) {
            assertEquals("185", image.path("config").path("User").asText(), "the UBI images' unprivileged user");
        }
    }

    @Test
    void imagesAreLabelledAndBuiltFromTheConfiguredBase() {
        Map<String, JsonNode> images = Map.of("kantor/platform", platform, "kantor/rate", rate);
        images.forEach((name, image) -> {
            JsonNode labels = image.path("config").path("Labels");
            assertEquals(name, labels.path("org.opencontainers.image.title").asText(), name);
            assertEquals(VERSION, labels.path("org.opencontainers.image.version").asText(), name);
            assertTrue(labels.path("org.opencontainers.image.source").asText().startsWith("https://"), name + ": " + labels);
            assertTrue(strings(image.path("config").path("Env")).contains(BASE_MARKER + "=1"), name + " is built from -Dkantor.image.base-jvm");
        });
    }

    /**
     * Every image an overlay runs is one the build makes, under that name, with the tag the build gives it: the
     * project's version by default (dev, fleet), the release's (-Dkantor.image.tag=1.0.0) for prod.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "fleet", "prod"})
    void overlaysRunTheImagesTheBuildMakes(String overlay) throws Exception {
        Map<String, String> built = builtImages();
        String tag = overlay.equals("prod") ? VERSION.replace("-SNAPSHOT", "") : VERSION;
        Set<String> run = new TreeSet<>();
        for (Container container : ours(KubernetesManifestsTest.build(overlay))) {
            run.add(container.getImage());
            int colon = container.getImage().lastIndexOf(':');
            String name = container.getImage().substring(0, colon);
            assertTrue(built.containsKey(name), overlay + ": " + container.getImage() + " is not an image the build makes: " + built.keySet());
            assertEquals(tag, container.getImage().substring(colon + 1), overlay + ": " + container.getName());
        }
        for (String image : run) {
            if (image.startsWith("kantor/rate:") || image.startsWith("kantor/platform:")) {
                String[] nameAndTag = image.split(":");
                if (!overlay.equals("prod")) {
                    // Pulled exactly as the overlay names it, from the registry the build pushed to.
                    assertTrue(registry.manifest(nameAndTag[0], nameAndTag[1]).path("layers").size() > 0, image);
                }
            }
        }
    }

    /** Every image of the build is run by some overlay: none is built for nothing, none is missing from a deployment. */
    @Test
    void everyBuiltImageIsRunBySomeOverlay() throws Exception {
        Set<String> run = new TreeSet<>();
        for (String overlay : List.of("dev", "fleet", "prod")) {
            ours(KubernetesManifestsTest.build(overlay)).forEach(c -> run.add(c.getImage().substring(0, c.getImage().lastIndexOf(':'))));
        }
        assertEquals(builtImages().keySet(), run);
    }

    /**
     * The image name of each module the images profile builds: kantor/platform, and kantor/ plus the
     * quarkus.application.name of each service under services/pom.xml (whose images profile names them so; ImagesIT
     * builds rate's for real). Image name to module.
     */
    static Map<String, String> builtImages() throws IOException {
        Map<String, String> images = new TreeMap<>();
        images.put("kantor/platform", "platform");
        String services = Files.readString(ROOT.resolve("services/pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(services);
        while (module.find()) {
            Path dir = ROOT.resolve("services").resolve(module.group(1));
            Path properties = dir.resolve("src/main/resources/application.properties");
            if (!Files.exists(properties)) {
                continue;
            }
            assertTrue(Files.readString(dir.resolve("pom.xml")).contains("<artifactId>kantor-services</artifactId>"),
                    dir + " inherits the images profile of services/pom.xml");
            Properties config = new Properties();
            try (var in = Files.newInputStream(properties)) {
                config.load(in);
            }
            if (config.getProperty("quarkus.application.name") != null) {
                images.put("kantor/" + config.getProperty("quarkus.application.name"), "services/" + module.group(1));
            }
        }
        return images;
    }

    static List<PodSpec> pods(List<HasMetadata> documents) {
        List<PodSpec> pods = new ArrayList<>();
        KubernetesManifestsTest.typed(documents, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        KubernetesManifestsTest.typed(documents, StatefulSet.class).forEach(s -> pods.add(s.getSpec().getTemplate().getSpec()));
        KubernetesManifestsTest.typed(documents, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        return pods;
    }

    static List<Container> containers(List<HasMetadata> documents) {
        List<Container> containers = new ArrayList<>();
        for (PodSpec pod : pods(documents)) {
            containers.addAll(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
        }
        return containers;
    }

    /** The containers of the project's images (group kantor/); the registry's is Apicurio's own image. */
    static List<Container> ours(List<HasMetadata> documents) {
        return containers(documents).stream().filter(c -> c.getImage().startsWith("kantor/")).toList();
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The stand-in for the UBI OpenJDK runtime: one small layer and the marker, nothing the project must set itself. */
    static void pushBase(String reference, Path work) throws Exception {
        Path readme = Files.createDirectories(work.resolve("base")).resolve("README");
        Files.writeString(readme, "ImagesIT's base image\n");
        Jib.fromScratch()
                .addFileEntriesLayer(FileEntriesLayer.builder().addEntry(readme, AbsoluteUnixPath.get("/opt/base/README")).build())
                .addEnvironmentVariable(BASE_MARKER, "1")
                .containerize(Containerizer.to(RegistryImage.named(reference)).setAllowInsecureRegistries(true)
                        .setBaseImageLayersCache(work.resolve("jib-cache")).setApplicationLayersCache(work.resolve("jib-cache")));
    }

    /** The sources only (no target/, no data): the build runs there, leaving this checkout's build and platform alone. */
    static Path copyCheckout(Path to) throws IOException {
        Set<String> skipped = Set.of("target", ".git", ".kantor", "node_modules");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path from : (Iterable<Path>) files.filter(p -> {
                Path relative = ROOT.relativize(p);
                for (Path part : relative) {
                    if (skipped.contains(part.toString())) {
                        return false;
                    }
                }
                return true;
            })::iterator) {
                Path target = to.resolve(ROOT.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(from, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) files.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.delete(path);
            }
        }
    }
}
