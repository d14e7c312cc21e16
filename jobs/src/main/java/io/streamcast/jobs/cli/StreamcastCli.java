package io.streamcast.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code streamcast.jar}: one command line for training, inspection, benchmarks and the jobs. */
@Command(name = "streamcast", mixinStandardHelpOptions = true, version = "streamcast 0.1.0",
        description = "Per-key LSTM forecasting and anomaly scoring of live time series in Apache Flink.",
        subcommands = {RunCommand.class, SampleCommand.class, BenchCommand.class})
public final class StreamcastCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamcastCli()).execute(args));
    }
}
