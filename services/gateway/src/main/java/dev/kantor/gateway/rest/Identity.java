package dev.kantor.gateway.rest;

import org.eclipse.microprofile.jwt.JsonWebToken;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** Who is calling: the user named by the verified bearer token. Every query is scoped to it. */
@RequestScoped
public class Identity {

    @Inject
    JsonWebToken token;

    public String user() {
        return token.getName();
    }
}
