package dev.kantor.service.config;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the exchange trades, the same for every service that checks it (the gateway at the edge, the account service
 * for base currencies, the transaction service for every movement): one list, kantor.market.currencies, ISO 4217
 * codes. A deployment that changes it changes it for all of them at once.
 */
@ConfigMapping(prefix = "kantor.market")
public interface Market {

    @WithDefault("EUR,USD,GBP,CHF,PLN,JPY,SEK,NOK,CZK,BHD")
    Set<String> currencies();
}
