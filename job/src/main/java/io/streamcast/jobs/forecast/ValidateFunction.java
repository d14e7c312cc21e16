package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.EventTimeBounds;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Objects;

/**
 * Passes valid events on and sends every rejected record to the dead-letter side output, counting
 * {@code eventsIn} and each reason. Nothing is dropped. A parsed event whose time is outside the
 * {@link EventTimeBounds} (before the floor, or too far ahead of the wall clock) is rejected here as
 * {@code bad-timestamp}, with a detail naming the bound; its dead letter's {@code raw} is the event as JSON.
 */
public final class ValidateFunction extends ProcessFunction<ParsedEvent, ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final EventTimeBounds bounds;

    private transient Counter eventsIn;
    private transient DeadLetters.Counters deadLettered;
    private transient EventTimeBounds.Checker timeCheck;

    /** With the default bounds on event time. */
    public ValidateFunction() {
        this(EventTimeBounds.defaults());
    }

    public ValidateFunction(EventTimeBounds bounds) {
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    @Override
    public void open(OpenContext openContext) {
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        deadLettered = new DeadLetters.Counters(getRuntimeContext().getMetricGroup());
        timeCheck = bounds.checker();
    }

    @Override
    public void processElement(ParsedEvent in, Context ctx, Collector<ParsedEvent> out) {
        eventsIn.inc();
        if (in.isValid()) {
            String outOfBounds = timeCheck.check(in.getEvent().getTimestampMillis());
            if (outOfBounds == null) {
                out.collect(in);
                return;
            }
            deadLettered.count(DeadLetterReason.BAD_TIMESTAMP);
            ctx.output(DeadLetters.TAG, new DeadLetter(JsonCodec.toJson(in.getEvent()), DeadLetterReason.BAD_TIMESTAMP,
                    outOfBounds, in.getTopic(), in.getPartition(), in.getOffset(), System.currentTimeMillis()));
        } else {
            deadLettered.count(in.getDeadLetter().getReason());
            ctx.output(DeadLetters.TAG, in.getDeadLetter());
        }
    }
}
