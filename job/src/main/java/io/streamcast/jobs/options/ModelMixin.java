package io.streamcast.jobs.options;

import io.streamcast.jobs.forecast.ModelBundle;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --model}: the model artifact a command runs the forecast job with, declared here once
 * ({@code @Mixin ModelMixin model;}); without it, the bundled model.
 */
public final class ModelMixin {

    @Option(names = "--model", paramLabel = "MODEL", description = "Model artifact (default: the bundled model).")
    Path model;

    /** The artifact given, null for the bundled model. */
    public Path path() {
        return model;
    }

    /** The artifact given, read and checked, or the bundled model. */
    public ModelBundle bundle() {
        return model == null ? ModelBundle.bundledDefault() : ModelBundle.fromFile(model);
    }
}
