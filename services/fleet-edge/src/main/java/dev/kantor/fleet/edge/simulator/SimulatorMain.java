package dev.kantor.fleet.edge.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.kantor.fleet.events.ReeferReading;
import dev.kantor.fleet.events.VesselPosition;
import dev.kantor.service.streams.EventSerde;

/**
 * The container simulator as a process of its own (the launcher's {@code simulator-<vessel>}): the devices of a
 * vessel report to the vessel's cluster in real time, whatever happens to the edge, the link or the shore.
 *
 * <pre>
 * java -cp 'services/fleet-edge/target/quarkus-app/app/*:services/fleet-edge/target/quarkus-app/lib/main/*' \
 *   dev.kantor.fleet.edge.simulator.SimulatorMain --bootstrap 127.0.0.1:9292 --registry http://127.0.0.1:8081/apis/registry/v2 \
 *   --vessels 1 --containers 50 --interval 5 --seed 1
 * </pre>
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = options(args);
        int vessels = Integer.parseInt(options.getOrDefault("vessels", "1"));
        int containers = Integer.parseInt(options.getOrDefault("containers", "50"));
        int interval = Integer.parseInt(options.getOrDefault("interval", "5"));
        Fleet fleet = new Fleet(FleetPlan.typical(vessels, containers).every(interval),
                Long.parseLong(options.getOrDefault("seed", Long.toString(System.nanoTime()))),
                options.getOrDefault("prefix", "vessel"));
        String registry = options.getOrDefault("registry", "http://127.0.0.1:8081/apis/registry/v2");
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getOrDefault("bootstrap", "127.0.0.1:9292"),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 20,
                // A device keeps its readings while its vessel's brokers are away (a broker restart), then sends them.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<String, ReeferReading> readings = new KafkaProducer<>(config, new StringSerializer(),
                EventSerde.of(ReeferReading.class, registry).serializer());
             KafkaProducer<String, VesselPosition> positions = new KafkaProducer<>(config, new StringSerializer(),
                     EventSerde.of(VesselPosition.class, registry).serializer())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                readings.flush();
                positions.flush();
            }, "simulator-flush"));
            System.out.printf("simulator: %d vessel(s) %s of %d containers, a reading every %d s%n", vessels, fleet.vesselIds(),
                    containers, interval);
            for (long tick = 0; ; tick++) {
                long started = System.nanoTime();
                for (Fleet.Tick vessel : fleet.tick(Instant.now())) {
                    positions.send(new ProducerRecord<>("vessel-positions", vessel.vesselId(), vessel.position()));
                    for (ReeferReading reading : vessel.readings()) {
                        readings.send(new ProducerRecord<>("reefer-readings", reading.getContainerId(), reading), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.incrementAndGet();
                            } else if (failed.getAndIncrement() % 1000 == 0) {
                                System.out.println("simulator: a reading was not acknowledged: " + error);
                            }
                        });
                    }
                }
                if (tick % Math.max(1, 60 / interval) == 0) {
                    System.out.printf("simulator: tick %d, readings acknowledged %d, not acknowledged %d%n", tick, acknowledged.get(), failed.get());
                }
                long left = TimeUnit.SECONDS.toNanos(interval) - (System.nanoTime() - started);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left); // the devices' reporting interval
                }
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        List<String> list = List.of(args);
        for (int i = 0; i + 1 < list.size(); i += 2) {
            if (!list.get(i).startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + list.get(i));
            }
            options.put(list.get(i).substring(2), list.get(i + 1));
        }
        return options;
    }
}
