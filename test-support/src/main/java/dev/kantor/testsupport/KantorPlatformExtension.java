package dev.kantor.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;

/**
 * The same for plain JUnit tests: {@code @ExtendWith(KantorPlatformExtension.class)} makes sure the platform runs and
 * resolves {@link Endpoints} and {@link LocalPlatform} parameters.
 */
public class KantorPlatformExtension implements BeforeAllCallback, ParameterResolver {

    private static final LocalPlatform PLATFORM = LocalPlatform.fromEnvironment();

    @Override
    public void beforeAll(ExtensionContext context) {
        PLATFORM.ensureRunning();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Endpoints.class || type == LocalPlatform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Endpoints.class ? PLATFORM.ensureRunning() : PLATFORM;
    }
}
