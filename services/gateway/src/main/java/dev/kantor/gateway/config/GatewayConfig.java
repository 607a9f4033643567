package dev.kantor.gateway.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The gateway's settings (kantor.gateway.*). */
@ConfigMapping(prefix = "kantor.gateway")
public interface GatewayConfig {

    int displayNameMax();

    /**
     * The dev-only sign-in (POST /api/sign-in): on in the dev and test profiles (application.properties), off
     * otherwise. Outside those profiles it answers 404 whatever this says, and IdentityProviderCheck refuses to start.
     */
    @WithDefault("false")
    boolean devSignIn();

    /**
     * The folder of the dev key pair (public.pem, private.pem), read by the dev and test profiles only: it is no part
     * of the jar. Relative to the working directory (services/gateway for quarkus:dev and the tests); the launcher
     * passes the checkout's services/gateway/dev-keys, the dev overlay the mounted Secret.
     */
    @WithDefault("dev-keys")
    String devKeys();

    /** Who may sign in through the dev-only sign-in; "*" lets any lower-case id in (tests use fresh users). */
    List<String> demoUsers();

    Duration tokenLifetime();

    /** How long a reconnecting SSE client can be away and still get every event it missed (Feed prunes older rows). */
    Duration feedRetention();

    /**
     * How long a POST waits for the broker's ack of its request before answering 202 anyway: the request is stored,
     * so the relay sends it if this send does not get through (broker down or slow).
     */
    @WithDefault("PT3S")
    Duration publishTimeout();

    /**
     * SSE streams one user may hold open on one replica at once (a browser tab holds three). Each holds a connection
     * and a feed subscription: without a cap, one client could take a replica's resources from everyone else.
     */
    @WithDefault("8")
    int maxStreamsPerUser();

    /**
     * Requests that write (POST /api/accounts, /api/transactions) one replica holds at once; past it, 503 with
     * Retry-After (rest.InFlightLimit). A replica served about 200/s on the project's 2-core machines.
     */
    @WithDefault("256")
    int maxRequestsInFlight();

    /** The outbox relay (messaging.RequestRelay): every stored request reaches the broker, whatever crashed. */
    Relay relay();

    /** Firm exchange quotes (GET /api/quotes). */
    Quotes quote();

    /** kantor.gateway.quote.*. */
    interface Quotes {

        /** How long a quote is honoured after it is given. */
        @WithDefault("PT30S")
        Duration ttl();

        /** The largest tolerance an exchange may ask for, as a fraction (0.05 is 5 %). */
        @WithDefault("0.05")
        java.math.BigDecimal maxTolerance();

        /**
         * How long an expired quote is kept (a request naming it is told it expired) before a sweep deletes it (then
         * the request is told no such quote exists). Each new quote sweeps up to 100 of them.
         */
        @WithDefault("PT1H")
        Duration retention();
    }

    /** Test-only failpoints: all off by default, never to be set in production. */
    Failpoints failpoint();

    /** kantor.gateway.relay.* */
    interface Relay {

        /** How often the relay looks for stored requests not yet published. */
        @WithDefault("PT1S")
        Duration interval();

        /**
         * How long a send may be outstanding before the relay (of any replica) sends the request again: the HTTP call's
         * own send holds a new request for this long, and each relay attempt holds it again. It must exceed the longest
         * a send can take to succeed or fail (messaging.SendBound, checked at start), or a slow send and a relay send
         * would both reach the topic (harmless downstream, which de-duplicates by event id, but avoidable).
         */
        @WithDefault("PT30S")
        Duration lease();

        /** Requests claimed per round and per table. */
        @WithDefault("200")
        int batch();
    }

    /** kantor.gateway.failpoint.* (tests only). */
    interface Failpoints {

        /**
         * Halts the process (Runtime.halt(137), as kill -9 would) right after a request's database commit and before
         * its send: the worst moment to die, which the relay must recover from (GatewayOutboxIT).
         */
        @WithDefault("false")
        boolean haltAfterStore();
    }
}
