package io.streamcast.tools.cli;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.file.KeyFrom;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.connectors.kafka.BrokerCheck;
import io.streamcast.jobs.options.KafkaMixin;
import io.streamcast.tools.replay.RecordedInput;
import io.streamcast.tools.replay.ReplayProgress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code streamcast replay}: recorded CSV / JSON-lines files into a Kafka topic. */
@Command(name = "replay", mixinStandardHelpOptions = true, modelTransformer = KafkaMixin.RequireBootstrapServers.class,
        description = {"Send recorded CSV (timestamp,value or key,timestamp,value) / JSON-lines files into a Kafka topic, "
                + "as fast as possible or paced by event time; prints the number of records sent.",
                "Every malformed line is reported with its file and line number; with --on-malformed skip (default) a "
                        + "malformed CSV line is not sent and an invalid JSON line is sent unchanged so the job "
                        + "dead-letters it; with --on-malformed fail nothing is sent."})
final class ReplayCommand implements Callable<Integer> {

    /** Malformed lines listed in full before the rest are only counted. */
    static final int MAX_LISTED = 50;

    @Spec CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "A recorded file, or a folder of them.")
    Path input;

    @Mixin
    KafkaMixin kafka;

    @Option(names = "--topic", defaultValue = "events", description = "Topic to send to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--speed", defaultValue = "max", paramLabel = "X|max",
            description = "max (default): as fast as possible; X: event time runs X times faster than real time.")
    String speed;

    @Option(names = "--key-from", defaultValue = "auto", paramLabel = "filename|column|auto",
            description = {"Series key (the Kafka record key and the event's key field).",
                    "filename: every record of a file gets the file's path relative to --input, without extension "
                            + "and with / between folders (DIR/realTweets/Twitter_volume_AAPL.csv -> "
                            + "realTweets/Twitter_volume_AAPL; a single --input file -> its name without "
                            + "extension); a key column or JSON key field in the file is replaced.",
                    "column: the first column of key,timestamp,value CSV lines / the \"key\" field of JSON lines; "
                            + "a file with lines without one is named and nothing is sent.",
                    "auto (default): by line layout: timestamp,value lines get the file name without folder and "
                            + "extension (as run --source file: and evaluate key them), other lines their own key."})
    String keyFrom;

    @Option(names = "--on-malformed", defaultValue = "skip", paramLabel = "skip|fail",
            description = "skip (default): report and go on; fail: report and send nothing.")
    String onMalformed;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double speedup = parseSpeed(speed);
        KeyFrom key = parseKeyFrom(keyFrom);
        boolean fail = switch (onMalformed.toLowerCase(Locale.ROOT)) {
            case "skip" -> false;
            case "fail" -> true;
            default -> throw new IllegalArgumentException("--on-malformed must be skip or fail, got '" + onMalformed + "'");
        };

        BrokerCheck.requireReachable(kafka.client(), BrokerCheck.DEFAULT_TIMEOUT, "start a broker "
                + "(scripts/start-kafka.sh starts one at 127.0.0.1:9092) or give a running one's address with "
                + "--bootstrap-servers; nothing was sent");
        RecordedInput scan = RecordedInput.scan(input, EventValidation.defaults(), key);
        if (!scan.keylessFiles().isEmpty()) {
            for (RecordedInput.KeylessFile f : scan.keylessFiles()) {
                err.printf("%s: %d line(s) without a key, first %s:%d (%s)%n",
                        f.file(), f.lines(), f.file(), f.firstLine(), f.firstReason());
            }
            err.flush();
            throw new IllegalArgumentException(scan.keylessFiles().size() + " file(s) have lines without a key (first: "
                    + scan.keylessFiles().get(0).file() + "), but --key-from column takes every key from its line: "
                    + "add a key (key,timestamp,value CSV, or a \"key\" field in JSON lines), or use --key-from "
                    + "filename to key each file by its name; nothing was sent");
        }
        if (!scan.malformed().isEmpty()) {
            if (fail) {
                report(err, scan.malformed(), "");
                err.printf("%d malformed line(s) in %s; --on-malformed fail: nothing was sent%n", scan.malformed().size(), input);
                err.flush();
                return 1;
            }
            report(err, scan.malformed(), "skip");
        }

        ReplayProducer.Builder builder = ReplayProducer.builder().client(kafka.client()).topic(topic)
                .speedup(speedup).keyFrom(key);
        long sent;
        ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("replay " + topic)
                .setInitialMax(scan.recordsToSend()).setStyle(ProgressBarStyle.ASCII).setUnit(" records", 1)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build();
        String id = ReplayProgress.register(n -> {
            if (bar != null) {
                bar.stepBy(n);
            }
        });
        try {
            builder.clientProperty(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ReplayProgress.class.getName())
                    .clientProperty(ReplayProgress.ID_CONFIG, id);
            sent = builder.build().replay(input);
        } finally {
            ReplayProgress.unregister(id);
            if (bar != null) {
                bar.close();
            }
        }
        out.printf("sent %d records from %d file(s) to topic '%s'", sent, scan.files().size(), topic);
        if (!scan.malformed().isEmpty()) {
            out.printf(" (%d malformed CSV line(s) not sent, %d invalid JSON line(s) sent for dead-lettering)",
                    scan.malformedCsvLines(), scan.malformedJsonLines());
        }
        out.println();
        out.flush();
        return 0;
    }

    private static void report(PrintWriter err, List<RecordedInput.Malformed> lines, String mode) {
        int listed = 0;
        for (RecordedInput.Malformed m : lines) {
            if (listed++ == MAX_LISTED) {
                err.printf("... and %d more%n", lines.size() - MAX_LISTED);
                break;
            }
            String action = mode.isEmpty() ? "" : m.json() ? " (sent unchanged: the job dead-letters it)" : " (not sent)";
            err.printf("%s: %s%s%n", m.where(), m.reason(), action);
        }
        err.flush();
    }

    static double parseSpeed(String s) {
        if ("max".equalsIgnoreCase(s)) {
            return 0;
        }
        double x;
        try {
            x = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--speed must be 'max' or a positive number, got '" + s + "'");
        }
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("--speed must be 'max' or a positive number, got '" + s + "'");
        }
        return x;
    }

    static KeyFrom parseKeyFrom(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> KeyFrom.AUTO;
            case "filename" -> KeyFrom.FILENAME;
            case "column" -> KeyFrom.COLUMN;
            default -> throw new IllegalArgumentException("--key-from must be filename, column or auto, got '" + s + "'");
        };
    }
}
