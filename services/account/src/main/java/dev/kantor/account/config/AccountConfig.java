package dev.kantor.account.config;

import java.time.Duration;
import java.util.Set;

import io.smallrye.config.ConfigMapping;

/** The account service's settings (kantor.account.*). */
@ConfigMapping(prefix = "kantor.account")
public interface AccountConfig {

    /** ISO 4217 codes an account may have as its base currency. */
    Set<String> currencies();

    int displayNameMax();

    /** First pause before retrying a transient failure (database or broker down); doubles up to retryMax. */
    Duration retryInitial();

    Duration retryMax();
}
