package io.streamcast.jobs.options;

import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.jobs.ForecastJobMain;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared options: what they parse into (the job's Configuration, Kafka client settings) and their help. */
class JobOptionsMixinTest {

    @Command(name = "test-job")
    static final class TestJob {
        @Mixin JobOptionsMixin options;
    }

    @Command(name = "test-kafka", modelTransformer = KafkaMixin.RequireBootstrapServers.class)
    static final class TestKafka {
        @Mixin KafkaMixin kafka;
    }

    static JobOptionsMixin parse(String... args) {
        TestJob job = new TestJob();
        new CommandLine(job).parseArgs(args);
        return job.options;
    }

    @Test
    void producesTheJobConfiguration() {
        JobOptionsMixin o = parse("--bootstrap-servers", "broker:9092", "--kafka-properties", "client.properties",
                "-D", "streamcast.anomaly.threshold=0.6", "--set", "streamcast.topics.events=in");

        Configuration c = o.configuration();
        assertThat(c.toMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "streamcast.kafka.bootstrap-servers", "broker:9092",
                "streamcast.kafka.properties-file", "client.properties",
                "streamcast.anomaly.threshold", "0.6",
                "streamcast.topics.events", "in"));
        ForecastJobConfig config = o.jobConfig();
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.eventsTopic()).isEqualTo("in");
        assertThat(config.anomalyThreshold()).isEqualTo(0.6);
        assertThat(config.kafkaClient()).isEqualTo(KafkaClientSettings.of("broker:9092", Path.of("client.properties")));
        assertThat(o.kafka().client()).isEqualTo(config.kafkaClient());
    }

    @Test
    void theKafkaOptionsWinOverTheSameKeysSetWithD() {
        JobOptionsMixin o = parse("-D", ForecastOptions.BOOTSTRAP_SERVERS.key() + "=old:1", "--bootstrap-servers", "new:2");
        assertThat(o.configuration().get(ForecastOptions.BOOTSTRAP_SERVERS)).isEqualTo("new:2");
    }

    @Test
    void nothingGivenIsTheDefaults() {
        JobOptionsMixin o = parse();
        assertThat(o.options()).isEmpty();
        assertThat(o.jobConfig()).isEqualTo(ForecastJobConfig.defaults());
        assertThat(o.kafka().client()).isEqualTo(KafkaClientSettings.none());
    }

    @Test
    void bootstrapServersAreRequiredWhereTheCommandSaysSo() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TestKafka());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--bootstrap-servers=HOST:PORT'");
        assertThat(new CommandLine(new TestJob()).getCommandSpec().findOption("--bootstrap-servers").required()).isFalse();
    }

    @Test
    void theJobEntryPointWordsTheSharedOptionsForItself() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ForecastJobMain());
        cli.setUsageHelpWidth(400);
        cli.usage(new PrintWriter(out, true));
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("--bootstrap-servers=HOST:PORT Kafka bootstrap servers.")
                .contains("the file must be readable where the job's tasks run.")
                .contains("Model artifact on the submitting machine (default: the bundled model).")
                .contains("-D, --set=KEY=VALUE Any job option (see the README).")
                .contains("Usage: forecast-job [-hV] [--bounded] --bootstrap-servers=HOST:PORT");
    }
}
