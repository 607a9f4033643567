package dev.kantor.benchmarks;

import dev.kantor.platform.ServicePart;

/**
 * The services a benchmark starts for itself, stopped with it however it ends, Ctrl-C included. One left behind stays
 * in its own consumer group and consumes every later benchmark's load beside that benchmark's own service, doubling
 * what is measured (three runs of one sitting were lost to it).
 */
final class OwnServices {

    private OwnServices() {
    }

    /** Starts the service and stops it when this JVM exits (a service already stopped is left as it is). */
    static ServicePart start(ServicePart service) {
        service.start();
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "stop-" + service.name()));
        return service;
    }
}
