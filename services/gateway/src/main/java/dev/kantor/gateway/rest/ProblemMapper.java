package dev.kantor.gateway.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.kantor.gateway.domain.FieldError;
import dev.kantor.service.rest.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * Every client error as an RFC 7807 problem body naming the field to blame when there is one: the API's own
 * refusals, and the framework's (no or a bad token, a method, media type or path it does not serve). Errors the HTTP
 * layer raises before any resource is chosen are answered the same way by HttpProblems.
 */
public class ProblemMapper {

    static final String AUTHORIZATION = "Authorization";

    @ServerExceptionMapper
    public Response invalid(FieldError e) {
        return problem(400, "Bad Request", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response notFound(NotFound e) {
        return problem(404, "Not Found", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response conflict(IdempotencyConflict e) {
        return problem(422, "Unprocessable Content", e.getMessage(), "Idempotency-Key");
    }

    @ServerExceptionMapper
    public Response tooManyStreams(TooManyStreams e) {
        return Response.fromResponse(problem(429, "Too Many Requests", e.getMessage(), null)).header("Retry-After", "5").build();
    }

    // Authentication is lazy (quarkus.http.auth.proactive=false), so a missing or bad token reaches these mappers.
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated() {
        return Response.fromResponse(problem(401, "Unauthorized", "a valid bearer token is required", AUTHORIZATION))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(403, "Forbidden", "this token does not allow it", AUTHORIZATION);
    }

    /** What the framework refuses before our code runs: an unknown path, method or media type. */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        Response response = e.getResponse();
        int status = response.getStatus();
        if (status < 400 || status >= 500) {
            return response;
        }
        String field = e instanceof NotSupportedException ? "Content-Type" : e instanceof NotAcceptableException ? "Accept"
                : null;
        String detail = e instanceof NotFoundException ? "nothing here: see /q/openapi for the API" : switch (status) {
            case 405 -> "this method is not allowed here";
            case 406 -> "this resource answers application/json (or text/event-stream for a stream)";
            case 415 -> "the body must be application/json";
            default -> response.getStatusInfo().getReasonPhrase();
        };
        Response.ResponseBuilder answer = Response.fromResponse(problem(status, response.getStatusInfo().getReasonPhrase(), detail, field));
        if (response.getHeaderString("Allow") != null) {
            answer.header("Allow", response.getHeaderString("Allow"));
        }
        return answer.build();
    }

    /** A client's text quoted back in an error, shortened and with control characters escaped. */
    public static String quoted(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    static Response problem(int status, String title, String detail, String field) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail, field)).build();
    }

    /** An idempotency key reused for a different request. */
    public static final class IdempotencyConflict extends RuntimeException {
        public IdempotencyConflict(String message) {
            super(message);
        }
    }

    /** A user who already holds as many open streams as one may. */
    public static final class TooManyStreams extends RuntimeException {
        public TooManyStreams(String message) {
            super(message);
        }
    }

    /** Something that does not exist for this user (or belongs to another: the answer is the same), and which field named it. */
    public static final class NotFound extends RuntimeException {
        private final String field;

        NotFound(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    public static NotFound notFound(String field, String what) {
        return new NotFound(field, what);
    }
}
