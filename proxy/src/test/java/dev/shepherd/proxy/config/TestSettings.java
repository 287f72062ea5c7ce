package dev.shepherd.proxy.config;

import com.typesafe.config.ConfigFactory;

/** Builds settings from HOCON text for tests in any package, as the real loader would (2 processors). */
public final class TestSettings {
    private TestSettings() {}

    public static ShepherdSettings parse(String hocon) {
        return new SettingsLoader(2).read(ConfigFactory.parseString(hocon));
    }
}
