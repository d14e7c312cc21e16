package io.streamcast.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.tools.evaluate.LabelledWindows;
import io.streamcast.tools.evaluate.ScoredSeries;
import io.streamcast.tools.plot.ForecastPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code streamcast plot}: one evaluated series as a PNG. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Plot one CSV written by 'evaluate': actual vs one-step forecast with its interval band (and the K-step forecast with its band, from the lower_hK/upper_hK columns), the "
                + "anomaly score underneath, labelled windows shaded, detections marked. Headless; writes a PNG."})
final class PlotCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "OUT.csv", description = "A series CSV written by evaluate.")
    Path input;

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
