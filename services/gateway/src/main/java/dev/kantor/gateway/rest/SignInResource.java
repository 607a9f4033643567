package dev.kantor.gateway.rest;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import dev.kantor.service.rest.ClientError;
import dev.kantor.gateway.config.GatewayConfig;
import dev.kantor.gateway.config.IdentityProviderCheck;
import dev.kantor.gateway.domain.FieldError;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The dev-only sign-in: a demo user gets a token signed with the dev key pair, without a password. It answers only in
 * the dev and test profiles with kantor.gateway.dev-sign-in on (the local platform, the dev overlay); anywhere else it
 * is 404 whatever the configuration says, and tokens come from the identity provider named by mp.jwt.verify.*.
 */
@Path("/api/sign-in")
@PermitAll
public class SignInResource {

    @Inject
    GatewayConfig config;

    // The tokens it signs must pass the gateway's own verification, so they carry the issuer it requires.
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dev only: a bearer token for a demo user ({\"user\": \"alice\"})")
    @APIResponse(responseCode = "200", description = "a bearer token",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.SignedIn.class)))
    @APIResponse(responseCode = "400", description = "not a demo user",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    @APIResponse(responseCode = "404", description = "the dev sign-in is off",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = dev.kantor.service.rest.Problem.class)))
    public Map<String, String> signIn(@RequestBody(required = true, content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiSchemas.SignIn.class))) byte[] body) {
        // The profile too, not only the switch: a prod gateway never signs, even if the switch was turned on by mistake.
        if (!config.devSignIn() || !IdentityProviderCheck.devProfile(ConfigUtils.getProfiles()) || issuer.isEmpty()) {
            throw ClientError.notFound(null, "the dev sign-in is switched off");
        }
        String user = JsonBody.parse(body, Set.of("user")).text("user");
        boolean anyone = config.demoUsers().contains("*") && user != null && user.matches("[a-z0-9-]{1,64}");
        if (user == null || !(anyone || config.demoUsers().contains(user))) {
            throw new FieldError("user", "user must be one of the demo users " + config.demoUsers());
        }
        String token = Jwt.issuer(issuer.get()).upn(user).subject(user).groups(Set.of("user"))
                .expiresIn(config.tokenLifetime()).sign();
        return Map.of("token", token, "user", user);
    }
}
