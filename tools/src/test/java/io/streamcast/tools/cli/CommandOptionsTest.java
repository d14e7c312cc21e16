package io.streamcast.tools.cli;

import io.streamcast.model.training.TrainOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The options each command lists: the shared ones with the command's wording, train's defaults from TrainOptions. */
class CommandOptionsTest {

    static CommandSpec spec(String command) {
        return StreamcastCli.commandLine().getSubcommands().get(command).getCommandSpec();
    }

    static String help(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = StreamcastCli.commandLine().getSubcommands().get(command);
        cli.setUsageHelpWidth(400);
        cli.usage(new PrintWriter(out, true));
        return out.toString().replaceAll("\\s+", " ");
    }

    @Test
    void trainShowsTheDefaultsOfTrainOptions() throws Exception {
        TrainOptions d = TrainCommand.Defaults.DEFAULTS;
        assertThat(help("train")).contains(
                "lstm, gru or rnn (default: lstm;",
                "(default: " + d.context() + ", two days of hourly data)",
                "Training loss: mse or mae (default: mse).",
                "mase, smape or mse (default: mase).",
                "0 = the last 20% (default: " + d.validationPoints() + ").",
                "Stacked layers (default: " + TrainOptions.DEFAULT_LAYERS + ").",
                "Units per layer (default: " + d.hidden() + ").",
                "Forecast steps K (default: " + d.horizon() + ").",
                "Truncated BPTT length (default: " + d.tbptt() + ").",
                "Maximum epochs (default: " + d.epochs() + ").",
                "Adam learning rate (default: " + d.lr() + ").",
                "Gradient clipping, 0 = off (default: " + d.clip() + ").",
                "(default: " + d.seed() + ").",
                "0 = off (default: " + d.patience() + ").",
                "--input=FILE|DIR", "--out=MODEL");
        CommandSpec train = spec("train");
        for (OptionSpec o : train.options()) {
            if (String.join(" ", o.description()).contains("${DEFAULT-VALUE}")) {
                assertThat(o.defaultValue()).as("declared default of %s", o.longestName()).isNull();
                assertThat(train.defaultValueProvider().defaultValue(o)).as(o.longestName()).isNotNull();
            }
        }
        assertThat(spec("train").findOption("--input").required()).isTrue();
        assertThat(spec("train").findOption("--out").required()).isTrue();
    }

    @Test
    void everyCommandsHelpFormatsWithoutPicocliWarnings() {
        // a bare '%' in a description makes picocli warn on stderr and print the text unformatted
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            for (String command : StreamcastCli.commandLine().getSubcommands().keySet()) {
                help(command);
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).as("stderr while formatting every command's help").isEmpty();
    }

    @Test
    void eachCommandWordsTheSharedOptionsForItself() {
        assertThat(help("run")).contains(
                "--bootstrap-servers=HOST:PORT Use this Kafka instead of an in-process broker.",
                "Extra Kafka client properties (e.g. SASL/SSL) for every consumer and producer.",
                "--model=MODEL Model artifact (default: the bundled model).",
                "Any job option, e.g. -D streamcast.anomaly.threshold=0.6 (see the README for all keys).",
                "[--bootstrap-servers=HOST:PORT]");
        assertThat(help("replay")).contains(
                "--bootstrap-servers=HOST:PORT Kafka bootstrap servers.",
                "--kafka-properties=FILE Extra Kafka client properties (e.g. SASL/SSL).",
                "[-hV] [--no-progress] --bootstrap-servers=HOST:PORT --input=FILE|DIR");
        assertThat(help("evaluate")).contains(
                "--model=MODEL Model artifact (default: the bundled model).",
                "-D, --set=KEY=VALUE Any job option, e.g. -D streamcast.anomaly.warm-up-events=200.");
        assertThat(spec("replay").findOption("--bootstrap-servers").required()).isTrue();
        assertThat(spec("run").findOption("--bootstrap-servers").required()).isFalse();
    }

    @Test
    void replayWithoutBootstrapServersIsAMissingOption() {
        StringWriter err = new StringWriter();
        CommandLine cli = StreamcastCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("replay", "--input", "x.csv")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--bootstrap-servers=HOST:PORT'");
    }

    @Test
    void runAndEvaluateShareParallelismAndItsCheck() {
        assertThat(help("run")).contains("--parallelism=<parallelism> Parallelism (default: 2).");
        assertThat(help("evaluate")).contains("--parallelism=<parallelism> Parallelism (default: 2).");
        for (String[] args : new String[][] {{"run", "--parallelism", "0"},
                {"evaluate", "--data", "d", "--out", "o", "--parallelism", "0"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = StreamcastCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            assertThat(cli.execute(args)).as(args[0]).isEqualTo(2);
            assertThat(err.toString()).as(args[0]).contains("--parallelism must be >= 1, got 0");
        }
    }

    @Test
    void weekModelOptionsGiveTheWeekModelsSize() {
        for (String[][] c : new String[][][] {
                {{}, {"0"}}, {{"--week-model"}, {"" + TrainOptions.WEEK_MODEL_HIDDEN}},
                {{"--week-model", "--week-hidden", "16"}, {"16"}}, {{"--week-hidden", "16", "--week-model"}, {"16"}},
                {{"--week-hidden", "8"}, {"8"}}}) {
            CommandLine cli = StreamcastCli.commandLine();
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--input", "in.csv",
                    "--out", "m.scm"));
            args.addAll(java.util.List.of(c[0]));
            cli.parseArgs(args.toArray(String[]::new));
            TrainCommand train = cli.getSubcommands().get("train").getCommand();
            assertThat(train.effectiveOptions().weekHidden()).as(String.join(" ", c[0]))
                    .isEqualTo(Integer.parseInt(c[1][0]));
        }
    }

    @Test
    void everyTrainDefaultIsAValueTheOptionAccepts() throws Exception {
        // the defaults are applied through the options' own setters: each must accept what the provider gives
        StreamcastCli.commandLine().parseArgs("train", "--input", "in.csv", "--out", "m.scm");
        assertThat(help("train")).contains("Stored in the artifact (format 4). Default: none.");
        StreamcastCli.commandLine().parseArgs("train", "--input", "in.csv", "--out", "m.scm", "--transform", "signed-log1p");
        StringWriter err = new StringWriter();
        CommandLine bad = StreamcastCli.commandLine();
        bad.setErr(new PrintWriter(err, true));
        assertThat(bad.execute("train", "--input", "in.csv", "--out", "m.scm", "--transform", "log")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown transform 'log' (known: none, signed-log1p)");
    }
}
