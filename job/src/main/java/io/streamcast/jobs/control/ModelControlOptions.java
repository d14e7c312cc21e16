package io.streamcast.jobs.control;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The options of model control (hot-swap through the {@code models} topic), declared once with their types,
 * defaults and descriptions; {@link ModelControlConfig#fromConfiguration} parses them.
 */
public final class ModelControlOptions {

    private ModelControlOptions() {}

    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("streamcast.model.control.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Read model updates from the models topic and write refusals to the model-errors topic.");

    public static final ConfigOption<String> MODELS_TOPIC = ConfigOptions.key("streamcast.topics.models")
            .stringType().defaultValue("models")
            .withDescription("Control topic of model updates {\"version\",\"uri\",\"sha256\"} (one partition).");

    public static final ConfigOption<String> MODEL_ERRORS_TOPIC = ConfigOptions.key("streamcast.topics.model-errors")
            .stringType().defaultValue("model-errors")
            .withDescription("Topic of refused model updates with their reasons.");

    public static final ConfigOption<ModelSwapPolicy> ON_SWAP = ConfigOptions.key("streamcast.model.on-swap")
            .enumType(ModelSwapPolicy.class).defaultValue(ModelSwapPolicy.KEEP_IF_SAME_ARCHITECTURE)
            .withDescription("What a key's recurrent state does when the model changes: KEEP_IF_SAME_ARCHITECTURE "
                    + "(kept when cells, sizes, features and horizon are identical, else reset) or RESET.");

    public static final ConfigOption<MemorySize> MAX_ARTIFACT_SIZE = ConfigOptions.key("streamcast.model.max-artifact-size")
            .memoryType().defaultValue(MemorySize.ofMebiBytes(64))
            .withDescription("A model artifact larger than this is refused without being read to its end.");
}
