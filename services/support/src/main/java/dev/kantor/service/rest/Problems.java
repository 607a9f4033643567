package dev.kantor.service.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * Problem bodies made one way in every service: the framework's own client errors (an unknown path, a method or
 * media type a resource does not serve) answered as problems naming the header to blame, and the helpers a
 * service's own mappers use. A service maps its own exceptions beside it; a more specific mapper wins.
 */
public class Problems {

    /** What a service refuses by its own rules. */
    @ServerExceptionMapper
    public Response client(ClientError e) {
        return response(e.status(), e.title(), e.getMessage(), e.field());
    }

    /** What the framework refuses before a service's code runs. */
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
        Response.ResponseBuilder answer = Response.fromResponse(response(status, response.getStatusInfo().getReasonPhrase(), detail, field));
        if (response.getHeaderString("Allow") != null) {
            answer.header("Allow", response.getHeaderString("Allow"));
        }
        return answer.build();
    }

    /** A problem response: the status, its title, what went wrong, and the field to blame if there is one. */
    public static Response response(int status, String title, String detail, String field) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail, field)).build();
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
}
