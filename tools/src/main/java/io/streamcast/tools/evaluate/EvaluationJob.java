package io.streamcast.tools.evaluate;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.file.RecordedFileSource;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the real forecast job ({@link ForecastJob}: validation, watermarks, keyed forecast function) in a local
 * mini-cluster over recorded series, with a file source and file sinks, and hands back every forecast record by
 * series key. Each series is staged as JSON lines keyed by its relative path, so files with the same name in
 * different folders stay different series.
 */
public final class EvaluationJob {

    /** What the job emitted: forecast records per key (in event-time order) and the dead letters. */
    public record Output(Map<String, List<ForecastRecord>> forecasts, List<DeadLetter> deadLetters) {}

    private final ForecastJobConfig config;
    private final ModelBundle model;
    private final int parallelism;

    public EvaluationJob(ForecastJobConfig config, ModelBundle model, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        this.config = config;
        this.model = model;
        this.parallelism = parallelism;
    }

    public Output run(List<RecordedSeries> series, Path workDir) throws Exception {
        Path staged = workDir.resolve("staged");
        Path forecastsDir = workDir.resolve("forecasts");
        Path deadDir = workDir.resolve("dead-letters");
        Files.createDirectories(staged);
        List<Path> inputs = new ArrayList<>();
        int i = 0;
        for (RecordedSeries s : series) {
            Path f = staged.resolve(String.format("series-%05d.jsonl", i++));
            try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                for (RecordedSeries.Row row : s.rows()) {
                    if (row.valid()) {
                        w.write(JsonCodec.toJson(row.parsed().getEvent()));
                        w.write('\n');
                    }
                }
            }
            inputs.add(f);
        }

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        new ForecastJob(config, model, RecordedFileSource.of(KafkaWiring.validation(config), inputs.toArray(Path[]::new)),
                jsonLines(forecastsDir), new DiscardingSink<>(), jsonLines(deadDir)).build(env);
        env.execute("streamcast-evaluate");

        Map<String, List<ForecastRecord>> byKey = new HashMap<>();
        for (String line : lines(forecastsDir)) {
            ForecastRecord r = JsonCodec.fromJson(line, ForecastRecord.class);
            byKey.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r);
        }
        byKey.values().forEach(l -> l.sort(Comparator.comparingLong(ForecastRecord::getTs)));
        List<DeadLetter> dead = new ArrayList<>();
        for (String line : lines(deadDir)) {
            dead.add(JsonCodec.fromJson(line, DeadLetter.class));
        }
        return new Output(byKey, dead);
    }

    private static <T> FileSink<T> jsonLines(Path dir) {
        Encoder<T> encoder = (element, stream) -> {
            stream.write(JsonCodec.toJsonBytes(element));
            stream.write('\n');
        };
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toUri()), encoder).build();
    }

    private static List<String> lines(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            }
        }
        return out;
    }
}
