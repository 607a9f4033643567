package dev.kantor.rate.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.kantor.service.rest.Problem;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

/** Answers client errors with a problem body instead of an empty page. */
public class ProblemMapper {

    /** A request naming something that is not wrong in form, only unknown (a pair without a rate). */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(Problem.of(404, "Not Found", e.getMessage(), null));
    }

    /** A malformed path parameter, with the field it was in. */
    @ServerExceptionMapper
    public Response badRequest(InvalidParameterException e) {
        return problem(Problem.of(400, "Bad Request", e.getMessage(), e.field()));
    }

    private static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** A path parameter that cannot be what it names. */
    public static final class InvalidParameterException extends RuntimeException {

        private final String field;

        public InvalidParameterException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
