package dev.kantor.gateway.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.util.ResourceUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses to start a gateway that would trust anyone but its identity provider. The repository's dev key pair is
 * public, so a gateway verifying with it accepts tokens anybody can mint: outside the dev and test profiles the
 * gateway needs an issuer and a verification key of its own, must not be given the dev key (by path or by content),
 * and must not run the dev sign-in or hold a signing key.
 */
@ApplicationScoped
public class IdentityProviderCheck {

    /**
     * SHA-256 of the dev public key (services/gateway/dev-keys/public.pem, its SubjectPublicKeyInfo DER): a fingerprint,
     * no key material, so that the jar can recognise the dev key wherever it was copied to.
     */
    public static final String DEV_KEY_SHA256 = "aa1ead179b95103e91bf8d3a80eb508cc65c17e4c145b0c36e31f324597fa100";

    /** The issuer of the dev profile's tokens (application.properties): never one to trust elsewhere. */
    public static final String DEV_ISSUER = "https://kantor.dev/local";

    // Before every other start-up observer (the feed, the relay): a refused gateway does nothing at all.
    void check(@Observes @Priority(1) StartupEvent event) {
        List<String> problems = problems(ConfigUtils.getProfiles(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The gateway refuses to start with profile " + ConfigUtils.getProfiles()
                    + ": " + String.join("; ", problems));
        }
    }

    /**
     * Whether the dev key pair and the dev sign-in may be used: only in the dev profile (quarkus:dev, the local
     * launcher, the dev overlay) and the test profile, and never together with prod.
     */
    public static boolean devProfile(Collection<String> profiles) {
        return (profiles.contains("dev") || profiles.contains("test")) && !profiles.contains("prod");
    }

    /** What is wrong with the identity configuration for these profiles (nothing in dev and test), each naming its property. */
    public static List<String> problems(Collection<String> profiles, Function<String, Optional<String>> config) {
        List<String> problems = new ArrayList<>();
        if (devProfile(profiles)) {
            return problems;
        }
        Optional<String> issuer = config.apply("mp.jwt.verify.issuer").filter(s -> !s.isBlank());
        if (issuer.isEmpty()) {
            problems.add("mp.jwt.verify.issuer (MP_JWT_VERIFY_ISSUER) is not set: set it to your identity provider's issuer");
        } else if (issuer.get().trim().equals(DEV_ISSUER)) {
            problems.add("mp.jwt.verify.issuer is the dev issuer " + DEV_ISSUER + ": set it to your identity provider's issuer");
        }

        Optional<String> location = config.apply("mp.jwt.verify.publickey.location")
                .or(() -> config.apply("smallrye.jwt.verify.key.location")).filter(s -> !s.isBlank());
        Optional<String> inline = config.apply("mp.jwt.verify.publickey").filter(s -> !s.isBlank());
        if (location.isEmpty() && inline.isEmpty()) {
            problems.add("mp.jwt.verify.publickey.location (MP_JWT_VERIFY_PUBLICKEY_LOCATION) is not set: set it to your"
                    + " identity provider's JWKS URL");
        }
        location.ifPresent(where -> {
            String problem = devKeyAt(where);
            if (problem != null) {
                problems.add("mp.jwt.verify.publickey.location (" + where + ") " + problem);
            }
        });
        if (inline.isPresent() && isDevKey(inline.get())) {
            problems.add("mp.jwt.verify.publickey is the repository's dev key: anyone can sign tokens for it");
        }

        if (config.apply("kantor.gateway.dev-sign-in").map(s -> s.trim().equalsIgnoreCase("true")).orElse(false)) {
            problems.add("kantor.gateway.dev-sign-in is true: the dev sign-in hands out tokens without a password, dev profile only");
        }
        for (String signing : List.of("smallrye.jwt.sign.key.location", "smallrye.jwt.sign.key")) {
            if (config.apply(signing).filter(s -> !s.isBlank()).isPresent()) {
                problems.add(signing + " is set: the gateway signs no tokens outside the dev profile (the identity provider does)");
            }
        }
        return problems;
    }

    /** Why the key at this location must not be trusted, or null. URLs are not fetched here: only their path is judged. */
    private static String devKeyAt(String location) {
        if (location.toLowerCase(Locale.ROOT).contains("dev-keys")) {
            return "points at the repository's dev key: anyone can sign tokens for it";
        }
        if (location.startsWith("http:") || location.startsWith("https:")) {
            return null;
        }
        String content;
        try {
            content = ResourceUtils.readResource(location);
        } catch (Exception e) {
            content = null;
        }
        if (content == null) {
            return "cannot be read";
        }
        return isDevKey(content) ? "is the repository's dev key (same key material): anyone can sign tokens for it" : null;
    }

    /** Whether PEM, base64 DER, a JWK or a JWK set holds the dev public key. */
    public static boolean isDevKey(String content) {
        List<PublicKey> keys = new ArrayList<>();
        try {
            keys.add(KeyUtils.decodePublicKey(content.trim()));
        } catch (Exception notPem) {
            // Not a PEM key: a JWK or JWK set, perhaps.
        }
        try {
            List<JsonWebKey> jwks = KeyUtils.loadJsonWebKeys(content.trim());
            if (jwks != null) {
                jwks.stream().filter(PublicJsonWebKey.class::isInstance).map(jwk -> ((PublicJsonWebKey) jwk).getPublicKey()).forEach(keys::add);
            }
        } catch (Exception notJwk) {
            // Neither: nothing to compare.
        }
        return keys.stream().anyMatch(key -> fingerprint(key).equals(DEV_KEY_SHA256));
    }

    /** SHA-256 of a public key's encoded form (SubjectPublicKeyInfo DER), in hex. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
