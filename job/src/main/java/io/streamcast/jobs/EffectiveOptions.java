package io.streamcast.jobs;

import io.streamcast.jobs.control.ModelControlOptions;
import io.streamcast.jobs.forecast.ForecastOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.util.TimeUtils;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's effective {@code streamcast.*} options (every declared option with its value in force, defaults included,
 * plus any other {@code streamcast.*} setting given), with secret values masked: set as the job's global job
 * parameters, so that the Flink web UI and REST ({@code /jobs/<id>/config}, {@code user-config}) show them.
 */
public final class EffectiveOptions {

    /** What a secret value is shown as. */
    public static final String MASK = "******";

    private EffectiveOptions() {}

    /** The options in force for {@code settings} (keys as given with -D), sorted by key, secrets masked. */
    public static Map<String, String> of(Map<String, String> settings) {
        Configuration conf = Configuration.fromMap(settings);
        Map<String, String> out = new TreeMap<>();
        for (Class<?> holder : new Class<?>[] {ForecastOptions.class, ModelControlOptions.class}) {
            for (Field f : holder.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = option(f);
                    Object value = conf.get(option);
                    out.put(option.key(), value == null ? "(none)" : format(value));
                }
            }
        }
        settings.forEach((k, v) -> {
            if (k.startsWith("streamcast.") && !out.containsKey(k)) {
                out.put(k, v);
            }
        });
        out.replaceAll((k, v) -> isSecret(k) ? MASK : v);
        return out;
    }

    /** The options in force as global job parameters. */
    public static Configuration asJobParameters(Map<String, String> settings) {
        return Configuration.fromMap(of(settings));
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return GlobalConfiguration.isSensitive(key) || k.contains("password") || k.contains("secret")
                || k.contains("jaas") || k.contains("token") || k.contains("credential") || k.endsWith(".key");
    }

    private static String format(Object value) {
        return value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : value.toString();
    }

    private static ConfigOption<?> option(Field f) {
        try {
            return (ConfigOption<?>) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
