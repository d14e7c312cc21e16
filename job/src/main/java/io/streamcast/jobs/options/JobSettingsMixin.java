package io.streamcast.jobs.options;

import picocli.CommandLine.Option;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code -D/--set KEY=VALUE}: any job option by its key, declared here once ({@code @Mixin JobSettingsMixin}). */
public final class JobSettingsMixin {

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Any job option (see the README).")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The settings in the order given. */
    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }
}
