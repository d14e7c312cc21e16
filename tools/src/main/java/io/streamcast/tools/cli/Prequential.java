package io.streamcast.tools.cli;

import io.streamcast.learner.core.Learner;
import io.streamcast.tools.evaluate.ForecastLayout;
import io.streamcast.tools.evaluate.PrequentialEvaluation;
import java.nio.file.Path;
import java.util.Locale;

/** {@code evaluate --prequential}: the options of {@link EvaluateCommand} handed to {@link PrequentialEvaluation}. */
final class Prequential {
    private Prequential() {}

    static int run(EvaluateCommand c) throws Exception {
        if (c.labels != null || c.threshold != null) {
            throw new IllegalArgumentException("--prequential scores forecasts only: leave out --labels and "
                    + "--threshold");
        }
        Path store = c.modelStore != null ? c.modelStore : c.out.resolve("models");
        StringBuilder cmd = new StringBuilder("streamcast evaluate --prequential --data ").append(c.data)
                .append(" --out ").append(c.out);
        if (c.model.path() != null) {
            cmd.append(" --model ").append(c.model.path());
        }
        if (c.modelStore != null) {
            cmd.append(" --model-store ").append(c.modelStore);
        }
        if (c.layout != ForecastLayout.TARGET) {
            cmd.append(" --forecast-layout ").append(c.layout.name().toLowerCase(Locale.ROOT));
        }
        cmd.append(c.learner.commandLine());
        c.settings.settings().forEach((k, v) -> cmd.append(" -D ").append(k).append('=').append(v));
        PrequentialEvaluation.Result r = new PrequentialEvaluation(new PrequentialEvaluation.Options(c.data, c.out,
                c.model.bundle(), c.learner.config(), store, c.layout, c.settings.settings(), cmd.toString()),
                System.out).run();
        long accepted = r.rounds().stream().filter(Learner.Round::accepted).count();
        System.out.printf(Locale.ROOT, "rows: %d, served: %d; learner rounds: %d, accepted: %d%n", r.rows(),
                r.served(), r.rounds().size(), accepted);
        r.rowsByVersion().forEach((v, n) -> System.out.printf(Locale.ROOT, "  %s served %d rows%n", v, n));
        System.out.println("summary: " + r.summary());
        return 0;
    }
}
