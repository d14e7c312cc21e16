package io.streamcast.sql;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.TestModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.bridge.java.internal.StreamTableEnvironmentImpl;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code CREATE MODEL ... WITH ('provider' = 'streamcast')} and {@code ML_PREDICT} on a MiniCluster: the forecast
 * from an array of a series' values equals the DataStream job's record at the last of them; values the job would not
 * step are skipped; mistakes in the model's definition fail the statement.
 */
class StreamcastModelITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final String CREATE_MODEL = "CREATE TEMPORARY MODEL forecaster "
            + "INPUT (`values` ARRAY<DOUBLE>, `times` ARRAY<BIGINT>) "
            + "OUTPUT (`forecast` ARRAY<FLOAT>, `lower` ARRAY<FLOAT>, `upper` ARRAY<FLOAT>) "
            + "WITH ('provider' = 'streamcast')";

    static StreamTableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment(conf));
    }

    /** A table {@code recent(n, values, times)} with one row per array (NaN and NULL elements allowed). */
    static void recent(StreamTableEnvironment tEnv, List<Row> rows) {
        TypeInformation<Row> type = Types.ROW_NAMED(new String[] {"n", "values", "times"}, Types.INT,
                Types.OBJECT_ARRAY(Types.DOUBLE), Types.OBJECT_ARRAY(Types.LONG));
        StreamExecutionEnvironment env = ((StreamTableEnvironmentImpl) tEnv).execEnv();
        tEnv.createTemporaryView("recent", env.fromData(type, rows.toArray(Row[]::new)));
    }

    static Row arrays(int n, List<Event> events) {
        return Row.of(n, events.stream().map(Event::getValue).toArray(Double[]::new),
                events.stream().map(Event::getTimestampMillis).toArray(Long[]::new));
    }

    static List<Row> predict(StreamTableEnvironment tEnv) throws Exception {
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql("SELECT n, `forecast`, `lower`, `upper` FROM ML_PREDICT("
                + "TABLE recent, MODEL forecaster, DESCRIPTOR(`values`, `times`))").collect()) {
            it.forEachRemaining(out::add);
        }
        out.sort((a, b) -> Integer.compare(a.<Integer>getFieldAs(0), b.<Integer>getFieldAs(0)));
        return out;
    }

    @Test
    void theForecastFromRecentValuesIsTheJobsAtTheLastOfThem() throws Exception {
        List<Event> series = TestModels.series("a", 60, 100, 5);
        List<ForecastRecord> job = StreamcastForecastITCase.jobRecords(ModelBundle.bundledDefault(), series);
        StreamTableEnvironment tEnv = tableEnv();
        tEnv.executeSql(CREATE_MODEL);
        recent(tEnv, List.of(arrays(1, series.subList(0, 1)), arrays(20, series.subList(0, 20)),
                arrays(60, series)));

        List<Row> out = predict(tEnv);

        assertThat(out).hasSize(3);
        for (Row r : out) {
            ForecastRecord expected = job.get(r.<Integer>getFieldAs(0) - 1);
            assertThat(StreamcastForecastITCase.floats(r.getField(1))).as("forecast at %s", r.getField(0))
                    .containsExactly(expected.getForecast());
            assertThat(StreamcastForecastITCase.floats(r.getField(2))).containsExactly(expected.getLower());
            assertThat(StreamcastForecastITCase.floats(r.getField(3))).containsExactly(expected.getUpper());
        }
    }

    @Test
    void valuesTheJobWouldNotStepAreSkipped() throws Exception {
        List<Event> series = TestModels.series("a", 30, 100, 6);
        List<ForecastRecord> job = StreamcastForecastITCase.jobRecords(ModelBundle.bundledDefault(), series);
        Double[] values = series.stream().map(Event::getValue).toArray(Double[]::new);
        Long[] times = series.stream().map(Event::getTimestampMillis).toArray(Long[]::new);
        List<Double> v = new ArrayList<>(Arrays.asList(values));
        List<Long> t = new ArrayList<>(Arrays.asList(times));
        v.add(10, Double.NaN);
        t.add(10, times[9] + 1);
        v.add(20, null);
        t.add(20, times[18] + 1);
        v.add(25, 1e6);                        // at the time of the value before it: out of order
        t.add(25, t.get(24));
        StreamTableEnvironment tEnv = tableEnv();
        tEnv.executeSql(CREATE_MODEL);
        recent(tEnv, List.of(Row.of(1, v.toArray(Double[]::new), t.toArray(Long[]::new)),
                Row.of(2, new Double[] {Double.NaN}, new Long[] {times[0]}),
                Row.of(3, values, Arrays.copyOf(times, 5))));

        List<Row> out = predict(tEnv);

        assertThat(StreamcastForecastITCase.floats(out.get(0).getField(1))).containsExactly(job.get(29).getForecast());
        // nothing left to step, or arrays of different lengths: NULL forecasts
        assertThat(out.get(1).getField(1)).isNull();
        assertThat(out.get(2).getField(1)).isNull();
    }

    @Test
    void mistakesInTheModelDefinitionFailTheStatement() {
        StreamTableEnvironment tEnv = tableEnv();
        recent(tEnv, List.of(arrays(1, TestModels.series("a", 3, 100, 1))));
        tEnv.executeSql(CREATE_MODEL.replace("forecaster", "missing")
                .replace("'streamcast'", "'streamcast', 'model' = 'file:///no/such/model.scm'"));
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM ML_PREDICT(TABLE recent, MODEL missing, "
                + "DESCRIPTOR(`values`, `times`))"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("model 'file:///no/such/model.scm' does not exist");
        tEnv.executeSql("CREATE TEMPORARY MODEL doubles INPUT (`values` ARRAY<DOUBLE>, `times` ARRAY<BIGINT>) "
                + "OUTPUT (`forecast` ARRAY<DOUBLE>) WITH ('provider' = 'streamcast')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM ML_PREDICT(TABLE recent, MODEL doubles, "
                + "DESCRIPTOR(`values`, `times`))"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("model default_catalog.default_database.doubles ('provider' = 'streamcast'): "
                        + "its OUTPUT must be (forecast ARRAY<FLOAT>, lower ARRAY<FLOAT>, upper ARRAY<FLOAT>)");
    }
}
