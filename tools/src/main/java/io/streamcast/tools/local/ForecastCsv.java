package io.streamcast.tools.local;

import io.streamcast.connectors.output.ForecastRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes forecast records as CSV: {@code key,timestamp,value,forecast_h1..hK,lower_h1..hK,upper_h1..hK,
 * anomaly_score,is_anomaly,anomaly_likelihood,residual_surprise,profile_surprise,outside_seen_range,model_version},
 * timestamps as ISO-8601 UTC: the forecast record's fields ({@code anomaly_score} is what the threshold is applied
 * to; the next four are its ingredients).
 */
public final class ForecastCsv implements Closeable {

    private final CSVPrinter printer;
    private final int horizon;
    private long rows;

    public ForecastCsv(Path file, int horizon) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        this.horizon = horizon;
        List<String> header = new ArrayList<>(List.of("key", "timestamp", "value"));
        for (String prefix : new String[] {"forecast", "lower", "upper"}) {
            for (int j = 1; j <= horizon; j++) {
                header.add(prefix + "_h" + j);
            }
        }
        header.addAll(List.of("anomaly_score", "is_anomaly", "anomaly_likelihood", "residual_surprise", "profile_surprise",
                "outside_seen_range", "model_version"));
        this.printer = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get());
    }

    public void write(ForecastRecord r) throws IOException {
        List<Object> row = new ArrayList<>(3 * horizon + 10);
        row.add(r.getKey());
        row.add(Instant.ofEpochMilli(r.getTs()).toString());
        row.add(r.getValue());
        addAll(row, r.getForecast());
        addAll(row, r.getLower());
        addAll(row, r.getUpper());
        row.add(r.getAnomalyScore());
        row.add(r.isAnomaly());
        row.add(r.getAnomalyLikelihood());
        row.add(r.getResidualSurprise());
        row.add(r.getProfileSurprise());
        row.add(r.isOutsideSeenRange());
        row.add(r.getModelVersion());
        printer.printRecord(row);
        rows++;
    }

    private void addAll(List<Object> row, float[] values) {
        for (int j = 0; j < horizon; j++) {
            row.add(values != null && j < values.length && !Float.isNaN(values[j]) ? values[j] : "");
        }
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }
}
