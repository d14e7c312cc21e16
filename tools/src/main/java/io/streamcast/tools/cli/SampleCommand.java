package io.streamcast.tools.cli;

import io.streamcast.tools.sample.SampleStreamGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code streamcast sample}: writes the synthetic sample stream, its training CSV and its labels. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate the sample stream (events.jsonl.gz), its training CSV (series.csv) and labelled "
                + "anomaly windows (labels.json). The defaults regenerate the bundled sample exactly.")
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--keys", defaultValue = "16", description = "Number of series (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--points", defaultValue = "2880", description = "Points per series (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--interval-seconds", defaultValue = "300", description = "Seconds between points (default: ${DEFAULT-VALUE}).")
    long intervalSeconds;

    @Option(names = "--seed", defaultValue = "20261124", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        SampleStreamGenerator generator = new SampleStreamGenerator(keys, points, intervalSeconds * 1000L,
                SampleStreamGenerator.DEFAULT_START_MILLIS, seed);
        long n = generator.writeTo(out);
        System.out.printf("wrote %d events over %d keys to %s (events.jsonl.gz, series.csv, labels.json)%n", n, keys, out);
        return 0;
    }
}
