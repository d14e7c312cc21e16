package io.streamcast.tools.evaluate;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The first step of an {@link Evaluation}: what it runs on, loaded and checked before the job runs.
 *
 * @param config   the job's settings ({@link Evaluation#jobConfig})
 * @param series   every {@code *.csv} under the data folder, in path order, read row by row
 * @param labels   the NAB windows, or null for no anomaly scoring
 * @param profiles the NAB profiles to score with (empty without labels)
 */
record EvaluationInput(ForecastJobConfig config, List<RecordedSeries> series, LabelledWindows labels,
                       List<NabProfile> profiles) {

    static EvaluationInput load(Evaluation.Options o, PrintStream log) throws IOException {
        if (!Files.isDirectory(o.data())) {
            throw new IllegalArgumentException("--data " + o.data() + " is not a directory");
        }
        ForecastJobConfig config = Evaluation.jobConfig(o.settings());
        List<RecordedSeries> series = readSeries(o.data(), config);
        log.printf("evaluating %d series (%d rows) from %s with model %s%n", series.size(), rows(series), o.data(),
                o.model().modelVersion());
        LabelledWindows labels = o.labels() == null ? null : LabelledWindows.read(o.labels());
        return new EvaluationInput(config, series, labels, labels == null ? List.of() : profiles(o));
    }

    /** Data rows of all series, valid or not. */
    long rows() {
        return rows(series);
    }

    private static long rows(List<RecordedSeries> series) {
        return series.stream().mapToLong(s -> s.rows().size()).sum();
    }

    private static List<RecordedSeries> readSeries(Path data, ForecastJobConfig config) throws IOException {
        List<Path> files = csvFiles(data);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.csv files under " + data);
        }
        List<RecordedSeries> series = new ArrayList<>();
        for (Path f : files) {
            RecordedSeries s = RecordedSeries.read(data, f, KafkaWiring.validation(config));
            checkTimestamps(f, s);
            series.add(s);
        }
        return series;
    }

    /**
     * Every row needs a timestamp the scoring can read (a row with a bad value is evaluated as a dead letter, but
     * the rows are matched to labels and steps by time): the first row without one is named, before the job runs.
     */
    static void checkTimestamps(Path file, RecordedSeries series) {
        for (RecordedSeries.Row row : series.rows()) {
            try {
                NabTimestamps.parse(row.timestampText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + row.lineNumber() + ": " + e.getMessage()
                        + "; evaluate needs a timestamp,value row on every data line: fix or delete the line", e);
            }
        }
    }

    /** The profiles named on the command line, else a {@code profiles.json} beside the data, else NAB's three. */
    private static List<NabProfile> profiles(Evaluation.Options o) throws IOException {
        if (o.profiles() != null) {
            return NabProfile.read(o.profiles());
        }
        Path beside = o.data().resolve("profiles.json");
        return Files.isRegularFile(beside) ? NabProfile.read(beside) : NabProfile.defaults();
    }

    /** The {@code *.csv} files under {@code dir}, skipping hidden and {@code _} files and folders, in path order. */
    static List<Path> csvFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".csv"))
                    .filter(p -> {
                        for (Path part : dir.relativize(p)) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.startsWith("_")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted(Comparator.comparing(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .toList();
        }
    }
}
