package dev.kantor.gateway.domain;

/** Why a client's input is refused, and which field is to blame; answered as a 400 problem body naming the field. */
public final class FieldError extends RuntimeException {

    private final String field;

    public FieldError(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
