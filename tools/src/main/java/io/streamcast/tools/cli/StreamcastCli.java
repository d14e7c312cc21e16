package io.streamcast.tools.cli;

import io.streamcast.connectors.kafka.BrokerCheck;
import io.streamcast.model.training.data.SeriesFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;

/** Entry point of {@code streamcast.jar}: one command line for the jobs, training, inspection and benchmarks. */
@Command(name = "streamcast", mixinStandardHelpOptions = true, version = "streamcast 0.1.0",
        description = "Per-key LSTM forecasting and anomaly scoring of live time series in Apache Flink.",
        footer = {"", "Every command also takes --verbose: errors with their stack trace (by default an error is one "
                + "line)."},
        subcommands = {RunCommand.class, TrainCommand.class, InspectModelCommand.class, SampleCommand.class,
                BenchCommand.class, ReplayCommand.class, EvaluateCommand.class, PlotCommand.class})
public final class StreamcastCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Exit code of a bad argument or input: the user can fix it. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of any other failure. */
    public static final int EXIT_FAILURE = 1;

    /** Hidden so that the commands' synopses stay short; the footer of {@code streamcast --help} names it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, hidden = true,
            description = "Print errors with their stack trace.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with its error handling. */
    public static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new StreamcastCli()));
    }

    /**
     * Errors are one line on stderr, {@code error: <what>}, with the stack trace only under {@code --verbose}:
     * <ul>
     * <li>a bad argument or input ({@link IllegalArgumentException}, {@link SeriesFormatException}, also as the
     *     cause of another exception) prints its message and exits 2;</li>
     * <li>a command line picocli cannot parse (unknown option, {@code --epochs abc}) prints picocli's message and
     *     where to read the command's help, not the whole usage text, and exits 2;</li>
     * <li>no Kafka broker at the given address ({@link BrokerCheck}) prints the message and exits 1;</li>
     * <li>anything else prints its type and message (and its cause's) and exits 1.</li>
     * </ul>
     */
    public static CommandLine withErrorHandling(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            boolean verbose = verbose(commandLine);
            Throwable user = userError(e);
            int exit;
            if (user != null) {
                err.println("error: " + user.getMessage());
                exit = EXIT_USAGE;
            } else if (e instanceof BrokerCheck.BrokerUnreachableException) {
                err.println("error: " + e.getMessage());
                exit = EXIT_FAILURE;
            } else {
                err.println("error: " + describe(e));
                exit = EXIT_FAILURE;
            }
            if (verbose) {
                e.printStackTrace(err);
            } else if (user == null && !(e instanceof BrokerCheck.BrokerUnreachableException)) {
                err.println("(run again with --verbose for the stack trace)");
            }
            err.flush();
            return exit;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("see '" + c.getCommandSpec().qualifiedName() + " --help'");
            if (verbose(c)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    /** Whether {@code --verbose} was given (it is inherited: any command of the line may hold it). */
    private static boolean verbose(CommandLine commandLine) {
        for (CommandLine c = commandLine; c != null; c = c.getParent()) {
            CommandLine.ParseResult pr = c.getParseResult();
            if (pr != null && pr.hasMatchedOption("--verbose")) {
                return true;
            }
            if (c.getCommand() instanceof StreamcastCli root && root.verbose) {
                return true;
            }
        }
        return false;
    }

    /** The bad argument or input behind {@code e}, if any: e itself or one of its causes. */
    static Throwable userError(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if ((t instanceof IllegalArgumentException || t instanceof SeriesFormatException) && t.getMessage() != null
                    && !(t instanceof NumberFormatException)) {
                return t;
            }
        }
        return null;
    }

    /** One line: the exception's type and message, then each cause's where it adds something; bare wrappers skipped. */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        Set<Throwable> seen = new HashSet<>();
        String previous = null;
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage();
            if (t.getCause() != null && (message == null || message.equals(t.getCause().toString()))) {
                continue; // a wrapper only (ExecutionException of a cause): the cause says it
            }
            if (message != null && previous != null && previous.contains(message)) {
                continue;
            }
            if (s.length() > 0) {
                s.append("; caused by ");
            }
            s.append(t.getClass().getSimpleName());
            if (message != null) {
                s.append(": ").append(message);
            }
            previous = message;
        }
        return s.toString();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
