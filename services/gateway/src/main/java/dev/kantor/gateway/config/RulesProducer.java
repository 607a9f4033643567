package dev.kantor.gateway.config;

import dev.kantor.gateway.domain.RequestRules;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The edge's validation rules, made once from the configuration (RequestRules itself stays free of Quarkus). */
public class RulesProducer {

    @Produces
    @Singleton
    RequestRules rules(GatewayConfig config, dev.kantor.service.config.Market market) {
        return new RequestRules(market.currencies(), config.displayNameMax());
    }
}
