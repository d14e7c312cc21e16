package io.streamcast.jobs.options;

import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.jobs.forecast.ForecastOptions;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka options of every command that talks to Kafka: {@code --bootstrap-servers} and
 * {@code --kafka-properties}, declared here once ({@code @Mixin KafkaMixin kafka;}).
 *
 * <p>{@code --bootstrap-servers} is optional unless the command declares {@code modelTransformer =
 * KafkaMixin.RequireBootstrapServers.class}. A command words an option's help for itself in its resource bundle,
 * under the option's name without dashes (e.g. {@code kafka-properties = ...}); the texts here are the default.
 */
public final class KafkaMixin {

    /** The option of the bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = "--bootstrap-servers";

    @Option(names = BOOTSTRAP_SERVERS, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--kafka-properties", paramLabel = "FILE", description = "Extra Kafka client properties (e.g. SASL/SSL).")
    Path kafkaProperties;

    /** The bootstrap servers given, null if none. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties file given, null if none. */
    public Path kafkaProperties() {
        return kafkaProperties;
    }

    /** How a Kafka client reaches Kafka with these options. */
    public KafkaClientSettings client() {
        return KafkaClientSettings.of(bootstrapServers, kafkaProperties);
    }

    /** Puts the options given into job options ({@link ForecastOptions} keys), over what {@code options} holds. */
    public void putInto(Map<String, String> options) {
        if (bootstrapServers != null) {
            options.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (kafkaProperties != null) {
            options.put(ForecastOptions.KAFKA_PROPERTIES_FILE.key(), kafkaProperties.toString());
        }
    }

    /** Makes {@code --bootstrap-servers} required in the command that names it as its model transformer. */
    public static final class RequireBootstrapServers implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            OptionSpec option = command.findOption(BOOTSTRAP_SERVERS);
            if (option == null) {
                throw new IllegalStateException(command.name() + " has no " + BOOTSTRAP_SERVERS + ": add @Mixin KafkaMixin");
            }
            command.remove(option);
            command.addOption(option.toBuilder().required(true).build());
            return command;
        }
    }
}
