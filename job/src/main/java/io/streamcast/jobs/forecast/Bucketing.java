package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Optional bucketing of raw events into fixed event-time intervals before the model, for inputs that are
 * not regular series: a bucket's events become one event stamped with the bucket's start.
 */
public final class Bucketing {

    private Bucketing() {}

    /** Running aggregate of one bucket (a Flink POJO). */
    public static final class Accumulator {
        public long count;
        public double sum;
        public double last;
        public long lastTimestamp = Long.MIN_VALUE;
    }

    /** Folds a bucket's events into one value per {@link ForecastOptions.BucketAggregate}. */
    public static final class Aggregate implements AggregateFunction<ParsedEvent, Accumulator, Double> {
        private static final long serialVersionUID = 1L;
        private final ForecastOptions.BucketAggregate kind;

        public Aggregate(ForecastOptions.BucketAggregate kind) {
            this.kind = kind;
        }

        @Override
        public Accumulator createAccumulator() {
            return new Accumulator();
        }

        @Override
        public Accumulator add(ParsedEvent in, Accumulator acc) {
            Event e = in.getEvent();
            acc.count++;
            acc.sum += e.getValue();
            if (e.getTimestampMillis() >= acc.lastTimestamp) {
                acc.lastTimestamp = e.getTimestampMillis();
                acc.last = e.getValue();
            }
            return acc;
        }

        @Override
        public Double getResult(Accumulator acc) {
            return switch (kind) {
                case MEAN -> acc.sum / acc.count;
                case SUM -> acc.sum;
                case COUNT -> (double) acc.count;
                case LAST -> acc.last;
            };
        }

        @Override
        public Accumulator merge(Accumulator a, Accumulator b) {
            Accumulator m = new Accumulator();
            m.count = a.count + b.count;
            m.sum = a.sum + b.sum;
            boolean aLater = a.lastTimestamp >= b.lastTimestamp;
            m.lastTimestamp = aLater ? a.lastTimestamp : b.lastTimestamp;
            m.last = aLater ? a.last : b.last;
            return m;
        }
    }

    /** Emits the bucket's value as an event at the bucket's start. */
    public static final class Emit extends ProcessWindowFunction<Double, ParsedEvent, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final String origin;

        public Emit(String origin) {
            this.origin = origin;
        }

        @Override
        public void process(String key, Context ctx, Iterable<Double> values, Collector<ParsedEvent> out) {
            double v = values.iterator().next();
            out.collect(ParsedEvent.valid(new Event(key, ctx.window().getStart(), v), origin, -1, ctx.window().getStart()));
        }
    }
}
