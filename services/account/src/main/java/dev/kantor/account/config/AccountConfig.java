package dev.kantor.account.config;


import io.smallrye.config.ConfigMapping;

/** The account service's settings (kantor.account.*). */
@ConfigMapping(prefix = "kantor.account")
public interface AccountConfig {

    int displayNameMax();
}
