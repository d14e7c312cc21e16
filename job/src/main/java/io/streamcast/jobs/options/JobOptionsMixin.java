package io.streamcast.jobs.options;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of a command that runs the forecast job on Kafka: {@code --bootstrap-servers},
 * {@code --kafka-properties} ({@link KafkaMixin}), {@code --model} ({@link ModelMixin}) and {@code -D/--set}
 * ({@link JobSettingsMixin}), and the job {@link Configuration} they make.
 */
public final class JobOptionsMixin {

    @Mixin KafkaMixin kafka;
    @Mixin ModelMixin model;
    @Mixin JobSettingsMixin settings;

    public KafkaMixin kafka() {
        return kafka;
    }

    /** The model to serve: {@code --model}, or the bundled one. */
    public ModelBundle bundle() {
        return model.bundle();
    }

    /**
     * The job options: every {@code -D KEY=VALUE}, then {@code --bootstrap-servers} and {@code --kafka-properties}
     * when given (they win over {@code -D} of the same keys).
     */
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>(settings.settings());
        kafka.putInto(options);
        return options;
    }

    /** {@link #options()} as the Flink configuration the job is built from. */
    public Configuration configuration() {
        return Configuration.fromMap(options());
    }

    /** The forecast job's settings from {@link #configuration()}, checked. */
    public ForecastJobConfig jobConfig() {
        return ForecastJobConfig.fromConfiguration(configuration());
    }
}
