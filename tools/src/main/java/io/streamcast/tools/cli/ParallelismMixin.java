package io.streamcast.tools.cli;

import picocli.CommandLine.Option;

/** {@code --parallelism} of the commands that run the job in a local mini-cluster (run, evaluate), declared once. */
final class ParallelismMixin {

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    /**
     * The parallelism given.
     *
     * @throws IllegalArgumentException when it is below 1
     */
    int parallelism() {
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        return parallelism;
    }
}
