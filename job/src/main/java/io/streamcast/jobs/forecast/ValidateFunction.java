package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.ParsedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes valid events on and sends every rejected record to the dead-letter side output, counting
 * {@code eventsIn} and each reason. Nothing is dropped.
 */
public final class ValidateFunction extends ProcessFunction<ParsedEvent, ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private transient Counter eventsIn;
    private transient DeadLetters.Counters deadLettered;

    @Override
    public void open(OpenContext openContext) {
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        deadLettered = new DeadLetters.Counters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ParsedEvent in, Context ctx, Collector<ParsedEvent> out) {
        eventsIn.inc();
        if (in.isValid()) {
            out.collect(in);
        } else {
            deadLettered.count(in.getDeadLetter().getReason());
            ctx.output(DeadLetters.TAG, in.getDeadLetter());
        }
    }
}
