package dev.kantor.service.messaging;

/** A record that no retry can fix (undecodable, unknown schema, contract violated): it goes to the DLT. */
public class PoisonRecordException extends Exception {

    public PoisonRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
