package dev.kantor.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A vessel's reefer containers ({@code dev.kantor.fleet.edge.simulator.SimulatorMain}), in a process of their own:
 * the devices keep reporting to the vessel's cluster whatever happens to the edge, the link or the shore. It runs
 * from the packaged fleet edge's libraries, where the simulator ships.
 */
public final class SimulatorPart extends ProcessPart {

    private final String vessel;
    private final String vesselBootstrap;
    private final String registryApiV2;
    private final int containers;
    private final int intervalSeconds;
    private final Path log;

    public SimulatorPart(String vessel, String vesselBootstrap, String registryApiV2, int containers, int intervalSeconds, Path log) {
        this.vessel = vessel;
        this.vesselBootstrap = vesselBootstrap;
        this.registryApiV2 = registryApiV2;
        this.containers = containers;
        this.intervalSeconds = intervalSeconds;
        this.log = log;
    }

    @Override
    public String name() {
        return "simulator-" + vessel;
    }

    @Override
    public String address() {
        return containers + " containers -> " + vesselBootstrap + " every " + intervalSeconds + " s";
    }

    private static Path app() {
        return ServicePart.jar("fleet-edge").getParent();
    }

    @Override
    protected ManagedProcess newProcess() {
        if (!Files.isDirectory(app().resolve("lib/main"))) {
            throw new PlatformException("the fleet edge is not built (" + app() + "): run ./mvnw package -DskipTests");
        }
        String classpath = app().resolve("app") + "/*" + java.io.File.pathSeparator + app().resolve("lib/main") + "/*";
        String prefix = vessel.replaceAll("\\d+$", "");
        if (!vessel.equals(prefix + "1")) {
            throw new PlatformException("the simulator names its vessels <prefix>1..n; " + vessel + " is not the first of such a fleet");
        }
        return new ManagedProcess(name(), List.of(ManagedProcess.javaExecutable(), "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", classpath, "dev.kantor.fleet.edge.simulator.SimulatorMain",
                "--bootstrap", vesselBootstrap, "--registry", registryApiV2, "--vessels", "1", "--prefix", prefix,
                "--containers", Integer.toString(containers), "--interval", Integer.toString(intervalSeconds)),
                app(), log, Map.of());
    }
}
