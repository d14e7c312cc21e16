package io.streamcast.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code streamcast.jar}: one command line for the jobs, training, inspection and benchmarks. */
@Command(name = "streamcast", mixinStandardHelpOptions = true, version = "streamcast 0.1.0",
        description = "Per-key LSTM forecasting and anomaly scoring of live time series in Apache Flink.",
        subcommands = {RunCommand.class, TrainCommand.class, InspectModelCommand.class, SampleCommand.class,
                BenchCommand.class, ReplayCommand.class, EvaluateCommand.class, PlotCommand.class})
public final class StreamcastCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with its error handling. */
    public static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new StreamcastCli()));
    }

    /** A bad argument ({@link IllegalArgumentException}) prints its message, no stack trace, and exits 2. */
    public static CommandLine withErrorHandling(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
