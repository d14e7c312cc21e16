package io.streamcast.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.tools.bench.BenchReport;
import io.streamcast.tools.evaluate.LabelledWindows;
import io.streamcast.tools.evaluate.PrequentialErrors;
import io.streamcast.tools.evaluate.ScoredSeries;
import io.streamcast.tools.plot.ErrorOverTimePlot;
import io.streamcast.tools.plot.ForecastPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code streamcast plot}: one evaluated series as a PNG; or, with {@code --prequential}, a prequential run with the
 * learner against the fixed model over event time, with its table of MASE written into a markdown document.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Plot one CSV written by 'evaluate': actual vs one-step forecast with its interval band (and the "
                + "K-step forecast with its band, from the lower_hK/upper_hK columns), the "
                + "anomaly score underneath, labelled windows shaded, detections marked. Headless; writes a PNG.",
                "With --prequential LEARN --fixed FIXED (two 'evaluate --prequential' output folders of the same "
                        + "series, with the learner and with the learner off): the error over event time of both, "
                        + "persistence and SES at each of --horizons, where each learned version first served, and "
                        + "(with --doc) their MASE table written into the document between the markers "
                        + "<!-- SECTION:start --> and <!-- SECTION:end -->."})
final class PlotCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "OUT.csv", description = "A series CSV written by evaluate.")
    Path input;

    @Option(names = "--prequential", paramLabel = "LEARN",
            description = "Output folder of 'evaluate --prequential' with the learner (instead of --input).")
    Path prequential;

    @Option(names = "--fixed", paramLabel = "FIXED",
            description = "With --prequential: the output folder of the same replay with the learner off.")
    Path fixed;

    @Option(names = "--horizons", defaultValue = "1,8", split = ",", paramLabel = "H",
            description = "With --prequential: the horizons to score and plot (default: ${DEFAULT-VALUE}).")
    int[] horizons;

    @Option(names = "--doc", paramLabel = "FILE.md",
            description = "With --prequential: the markdown document to write the table into.")
    Path doc;

    @Option(names = "--section", defaultValue = "prequential", paramLabel = "NAME",
            description = "With --doc: the markers' name (default: ${DEFAULT-VALUE}).")
    String section;

    @Option(names = "--labels", paramLabel = "WINDOWS.json",
            description = "Windows in NAB's combined_windows.json format; the entry whose path ends the input's is shaded.")
    Path labels;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "PNG to write.")
    Path out;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Detection threshold on anomaly_score (default: the standard-profile threshold in the "
                    + "report.json of an enclosing evaluate output folder, else 0.5).")
    Double threshold;

    @Option(names = "--title", description = "Chart title (default: the input's path relative to its evaluate folder).")
    String title;

    @Option(names = "--width", defaultValue = "1600", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "800", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Override
    public Integer call() throws Exception {
        if ((input == null) == (prequential == null)) {
            throw new IllegalArgumentException("give either --input or --prequential");
        }
        if (prequential != null) {
            return prequentialPlot();
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input " + input + " is not a file");
        }
        if (width < 200 || height < 200) {
            throw new IllegalArgumentException("--width and --height must be at least 200, got " + width + "x" + height);
        }
        ScoredSeries series = ScoredSeries.read(input);
        List<LabelledWindows.Window> windows = List.of();
        String name = input.getFileName().toString();
        if (labels != null) {
            LabelledWindows all = LabelledWindows.read(labels);
            String entry = all.entryFor(input.toAbsolutePath().normalize());
            if (entry == null) {
                System.err.println("warning: no entry of " + labels + " matches " + input + "; no windows shaded");
            } else {
                windows = all.windows(entry);
                name = entry;
            }
        }
        double thr = threshold != null ? threshold : reportThreshold(input.toAbsolutePath().normalize());
        ForecastPlot.Drawn d = ForecastPlot.write(out, title != null ? title : name, series, windows, thr, width, height);
        System.out.printf("wrote %s: %d rows, %d window(s), %d detection(s) at threshold %.4g%n", out, d.rows(),
                d.windows(), d.detections(), thr);
        return 0;
    }

    private int prequentialPlot() throws IOException {
        if (fixed == null) {
            throw new IllegalArgumentException("--prequential needs --fixed, the same replay with the learner off");
        }
        for (Path d : List.of(prequential, fixed)) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException(d + " is not a folder");
            }
        }
        PrequentialErrors e = PrequentialErrors.compute(prequential, fixed, horizons);
        ErrorOverTimePlot.write(out, title != null ? title : "prequential error over time: "
                + prequential.getFileName(), e, width, height);
        String table = table(e, doc == null ? out.getFileName().toString()
                : doc.toAbsolutePath().getParent().relativize(out.toAbsolutePath()).toString());
        System.out.println(table);
        if (doc != null) {
            BenchReport.writeSection(doc, section, table);
            System.out.println("wrote the table into " + doc + " (section " + section + ")");
        }
        System.out.println("wrote " + out);
        return 0;
    }

    /** The MASE table, the rows per version and the plot's link, as markdown. */
    static String table(PrequentialErrors e, String png) {
        StringBuilder sb = new StringBuilder();
        sb.append("| h | learning (mean / median MASE) | fixed ").append(e.versions().starting())
                .append(" | persistence | SES | series where learning beats fixed |\n|---|---|---|---|---|---|\n");
        for (PrequentialErrors.HorizonTable t : e.tables()) {
            sb.append("| ").append(t.horizon());
            for (String m : PrequentialErrors.METHODS) {
                sb.append(String.format(Locale.ROOT, " | %.3f / %.3f", t.mean(m), t.median(m)));
            }
            sb.append(String.format(Locale.ROOT, " | %d of %d |\n", t.learningBetter(), t.series()));
        }
        sb.append("\nForecasts per model version (learning run): ");
        sb.append(String.join(", ", e.versions().rows().entrySet().stream()
                .map(v -> v.getKey() + " " + v.getValue()).toList()));
        sb.append(".\n\n![error over time, learner against fixed model](").append(png).append(")\n");
        return sb.toString();
    }

    /** The standard profile's threshold from the nearest enclosing report.json, else 0.5. */
    static double reportThreshold(Path csv) throws IOException {
        for (Path dir = csv.getParent(); dir != null; dir = dir.getParent()) {
            Path report = dir.resolve("report.json");
            if (Files.isRegularFile(report)) {
                JsonNode t = new ObjectMapper().readTree(report.toFile()).path("nab").path("profiles")
                        .path("standard").path("threshold");
                if (t.isNumber()) {
                    System.out.println("threshold " + t.asDouble() + " (standard profile) from " + report);
                    return t.asDouble();
                }
                break;
            }
        }
        return 0.5;
    }
}
