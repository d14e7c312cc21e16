package io.streamcast.tools.local;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary run prints says where the dead letters and anomalies went. */
class LocalRunSummaryTest {

    @Test
    void onAFileSourceTheSummaryNamesTheOutputFolders() {
        Path out = Path.of("out");
        LocalRun.Summary s = new LocalRun.Summary(10, 8, 2, 1, out.resolve("forecasts.csv"), Duration.ofMillis(1500),
                LocalRun.Summary.onFile(out.resolve("forecasts"), out.resolve("anomalies"), out.resolve("dead-letters")));
        assertThat(s.line()).isEqualTo("events in: 10, forecasts out: 8, dead-lettered: 2, anomalies: 1; forecasts "
                + "written to out/forecasts.csv; 1.5 s" + System.lineSeparator() + "dead letters are in out/dead-letters, "
                + "anomalies in out/anomalies and forecasts in out/forecasts (JSON lines, in one folder per hour of the "
                + "run's wall clock)");
    }

    @Test
    void onTheInProcessBrokerTheSummarySaysTheTopicsGoWithIt() {
        assertThat(LocalRun.Summary.onKafka(ForecastJobConfig.defaults(), true)).isEqualTo("dead letters went to topic "
                + "'events-dlq' and anomalies to topic 'anomalies' of the in-process broker, which stops with the run "
                + "(the anomalies are the CSV's rows with is_anomaly true; run with --bootstrap-servers to keep the "
                + "topics)");
    }
}
