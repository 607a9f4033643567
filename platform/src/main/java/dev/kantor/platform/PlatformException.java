package dev.kantor.platform;

/** A failure the launcher reports to its user in one clear sentence, without a stack trace. */
public class PlatformException extends RuntimeException {

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
