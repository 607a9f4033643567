package dev.kantor.transaction.messaging;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** transaction.dlt, the dead letter topic of all three of this service's consumers: one emitter per channel. */
@ApplicationScoped
public class DeadLetters {

    @Inject
    @Channel("transaction-dlt")
    MutinyEmitter<byte[]> emitter;

    public MutinyEmitter<byte[]> emitter() {
        return emitter;
    }
}
