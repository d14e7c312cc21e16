package io.streamcast.sql;

import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The {@code 'provider' = 'streamcast'} model of Flink SQL's {@code CREATE MODEL}, for {@code ML_PREDICT}: a
 * stateless forecast from an array of recent values of one series, with their event times.
 *
 * <pre>{@code
 * CREATE MODEL streamcast_forecaster
 *   INPUT (`values` ARRAY<DOUBLE>, `times` ARRAY<BIGINT>)
 *   OUTPUT (`forecast` ARRAY<FLOAT>, `lower` ARRAY<FLOAT>, `upper` ARRAY<FLOAT>)
 *   WITH ('provider' = 'streamcast', 'model' = 'file:///models/m.scm');   -- 'model' optional: the bundled model
 *
 * SELECT * FROM ML_PREDICT(TABLE recent, MODEL streamcast_forecaster, DESCRIPTOR(`values`, `times`));
 * }</pre>
 *
 * <p>Each call replays the values, oldest first, through the same per-key step as the DataStream job and
 * {@code STREAMCAST_FORECAST} ({@link SeriesStep}) from a fresh state, and returns the forecast made at the last value:
 * for the horizons 1..K, with the prediction interval. So it equals what the job emits at the last of these events for
 * a key whose whole history they are. Values the job would not step are skipped as it skips them: {@code NULL}, NaN
 * or infinite values, and a time not after the previous accepted one (or {@code NULL}); a row with no value left, or a
 * {@code NULL} array, or arrays of different lengths, gets {@code NULL} forecasts.
 *
 * <p>Checked when the statement is planned: the model exists and is a valid artifact, and the model's input and output
 * columns have the types above (their names are the user's).
 */
public final class StreamcastModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "streamcast";

    public static final ConfigOption<String> MODEL = ConfigOptions.key("model").stringType().noDefaultValue()
            .withDescription("The model artifact (file:///.../model.scm, a path, a Flink file system URI or "
                    + "classpath:/...); the bundled model when not set.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(MODEL);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        String model = helper.getOptions().get(MODEL);
        String name = context.getObjectIdentifier().asSummaryString();
        try {
            checkSchemas(context.getCatalogModel());
            ModelSource.load(model);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("model " + name + " ('provider' = '" + IDENTIFIER + "'): " + e.getMessage(), e);
        }
        return new Provider(model);
    }

    static void checkSchemas(ResolvedCatalogModel model) {
        List<Column> in = model.getResolvedInputSchema().getColumns();
        if (in.size() != 2 || !isArrayOf(in.get(0), LogicalTypeRoot.DOUBLE) || !isArrayOf(in.get(1), LogicalTypeRoot.BIGINT)) {
            throw new IllegalArgumentException("its INPUT must be (values ARRAY<DOUBLE>, times ARRAY<BIGINT>): the "
                    + "recent values of one series, oldest first, and their event times in epoch milliseconds; it is "
                    + describe(model.getResolvedInputSchema()));
        }
        List<Column> out = model.getResolvedOutputSchema().getColumns();
        if (out.size() != 3 || !out.stream().allMatch(c -> isArrayOf(c, LogicalTypeRoot.FLOAT))) {
            throw new IllegalArgumentException("its OUTPUT must be (forecast ARRAY<FLOAT>, lower ARRAY<FLOAT>, "
                    + "upper ARRAY<FLOAT>): the forecast for the next K steps and its prediction interval; it is "
                    + describe(model.getResolvedOutputSchema()));
        }
    }

    private static boolean isArrayOf(Column c, LogicalTypeRoot element) {
        LogicalType t = c.getDataType().getLogicalType();
        return t instanceof ArrayType a && a.getElementType().is(element);
    }

    private static String describe(ResolvedSchema schema) {
        return "(" + String.join(", ", schema.getColumns().stream()
                .map(c -> c.getName() + " " + c.getDataType()).toList()) + ")";
    }

    /** Creates the predict function for the model artifact named by {@code 'model'}. */
    public static final class Provider implements PredictRuntimeProvider {
        private final String model;

        Provider(String model) {
            this.model = model;
        }

        @Override
        public PredictFunction createPredictFunction(Context context) {
            return new ForecastFromValues(model);
        }

        @Override
        public ModelProvider copy() {
            return new Provider(model);
        }
    }

    /** The forecast at the last of an array of values, replayed from a fresh state. */
    public static final class ForecastFromValues extends PredictFunction {
        private static final long serialVersionUID = 1L;

        private final String model;
        private transient ServingModel serving;
        private transient SeriesStep step;

        ForecastFromValues(String model) {
            this.model = model;
        }

        @Override
        public void open(FunctionContext context) throws Exception {
            ModelBundle bundle = ModelSource.load(model);
            try {
                serving = new ServingModel(bundle.load(), bundle.sha256());
            } catch (IOException e) {
                throw new IllegalArgumentException("model '" + model + "' cannot be read: " + e.getMessage(), e);
            }
            step = new SeriesStep(AnomalyConfig.builder().build(), true);
        }

        @Override
        public List<RowData> predict(RowData in) {
            try {
                return List.of(forecast(in.isNullAt(0) ? null : in.getArray(0), in.isNullAt(1) ? null : in.getArray(1)));
            } catch (Exception e) {
                throw new IllegalStateException(IDENTIFIER + " model: the forecast failed: " + e.getMessage(), e);
            }
        }

        private RowData forecast(ArrayData values, ArrayData times) throws Exception {
            GenericRowData none = GenericRowData.of(null, null, null);
            if (values == null || times == null || values.size() != times.size()) {
                return none;
            }
            ServingModel m = serving;
            SeriesState s = step.newState(m);
            boolean any = false;
            for (int i = 0; i < values.size(); i++) {
                if (values.isNullAt(i) || times.isNullAt(i)) {
                    continue;
                }
                double v = values.getDouble(i);
                long t = times.getLong(i);
                if (!Double.isFinite(v) || (any && !SeriesStep.accepts(s, t))) {
                    continue;
                }
                step.step(s, m, t, v, SeriesStep.Lineage.NONE);
                any = true;
            }
            if (!any) {
                return none;
            }
            return GenericRowData.of(new GenericArrayData(step.forecast().clone()),
                    new GenericArrayData(step.lower().clone()), new GenericArrayData(step.upper().clone()));
        }
    }
}
