package io.streamcast.tools.cli;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelFormatException;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.LayerWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code streamcast inspect-model}: prints what a model artifact holds, or why it cannot be read. */
@Command(name = "inspect-model", mixinStandardHelpOptions = true,
        description = "Print a model artifact's architecture, format version, checksum and training provenance. "
                + "Exits 2 if the file is not a valid artifact.")
final class InspectModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The artifact file.")
    Path model;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(model)) {
            err.println("error: " + model + " is not a file");
            return 2;
        }
        ModelArtifact a;
        try {
            a = ModelArtifactReader.read(model);
        } catch (ModelFormatException e) {
            err.println("error: " + model + " is not a valid model artifact: " + e.getMessage());
            return 2;
        }
        print(a, model, ModelArtifactReader.sha256(model), spec.commandLine().getOut());
        return 0;
    }

    static void print(ModelArtifact a, Path file, String sha256, PrintWriter out) {
        ForecastModel m = a.model();
        out.println("file:            " + file + " (" + file.toFile().length() + " bytes)");
        out.println("sha256:          " + sha256);
        out.println("format version:  " + a.formatVersion());
        out.println("model version:   " + a.modelVersion());
        out.println("features:        " + m.features().features() + " (" + m.inputSize() + " inputs)");
        out.println("horizon:         " + m.horizon());
        for (int l = 0; l < m.layers().size(); l++) {
            LayerWeights w = m.layers().get(l);
            out.printf("layer %d:         %s in=%d hidden=%d%n", l, w.type(), w.inputSize(), w.hiddenSize());
        }
        out.printf("head:            dense %d -> %d, %s%n", m.head().inputSize(), m.head().outputSize(),
                switch (m.headMode()) {
                    case DIRECT -> "direct (forecast = output)";
                    case RESIDUAL -> "residual (forecast = current value + output)";
                    case SEASONAL -> "seasonal (forecast = seasonal naive + output; current value + output "
                            + "before a whole season)";
                });
        out.println("state per key:   " + m.stateSize() + " floats");
        if (a.weekModel() != null) {
            io.streamcast.model.core.WeekModel w = a.weekModel();
            out.printf("week model:      season %d, window %d -> %d hidden (relu) -> %d, linear skip; %d parameters; "
                    + "served to keys whose ring is a week of this season, no state of its own%n", w.period(), w.window(),
                    w.hidden(), w.horizon(), w.parameters());
        }
        out.println("scaler:          " + a.scaler());
        Provenance p = a.provenance();
        out.println("trained on:      " + p.data() + " (" + p.rows() + " rows)");
        out.printf("training:        seed=%d epochs=%d lr=%s tbptt=%d clip=%s%n", p.seed(), p.epochs(), p.learningRate(),
                p.tbpttLength(), p.gradientClip());
        out.println("created:         " + p.created());
        for (Map.Entry<String, Double> e : p.validationMetrics().entrySet()) {
            out.printf("  %-22s %s%n", e.getKey() + ":", metric(e.getValue()));
        }
    }

    /**
     * A validation metric as printed: a whole number (a count such as {@code val_points} or {@code best_epoch};
     * the artifact stores every metric as a double) without decimals, anything else with six significant digits.
     */
    static String metric(double v) {
        if (Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
