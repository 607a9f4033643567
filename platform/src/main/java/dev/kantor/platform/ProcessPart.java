package dev.kantor.platform;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A part that is one process of its own (MirrorMaker, the simulator): started anew on every start, never two at
 * once, and healthy while it lives; whether it does its work well is another part's matter (a supervisor's).
 */
abstract class ProcessPart implements Part {

    private ManagedProcess process;

    /** The process to run now; its command may depend on what was written just before (a config file). */
    protected abstract ManagedProcess newProcess();

    @Override
    public synchronized void start() {
        if (process != null && process.alive()) {
            process.stop(Duration.ofSeconds(30));
        }
        process = newProcess();
        process.start();
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        process.awaitHealthy(timeout, this::healthy);
    }

    @Override
    public synchronized boolean healthy() {
        return process != null && process.alive();
    }

    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    @Override
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public OptionalLong pid() {
        ManagedProcess current = process;
        return current == null ? OptionalLong.empty() : current.pid();
    }
}
