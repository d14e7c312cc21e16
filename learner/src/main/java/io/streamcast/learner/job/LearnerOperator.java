package io.streamcast.learner.job;

import io.streamcast.connectors.event.Event;
import io.streamcast.jobs.control.ModelUpdate;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs the {@link LearnerFunction} and also shows it every watermark: a round is due when the watermark passes its
 * time, and that watermark comes after the events it covers (the source emits each event before the watermark made
 * from it, and after a restore a partition without events holds the combined watermark back until it is idle, with
 * no event behind it), so a round decided only at events would wait for the next event, which may not come until new
 * data does. A round the watermark makes due runs before the watermark goes on; its announcement carries the
 * watermark as timestamp.
 *
 * <p>The function's state and the operator's uid are the same as with a plain {@code process()}, so savepoints of
 * either restore into the other.
 */
final class LearnerOperator extends ProcessOperator<Event, ModelUpdate> {
    private transient TimestampedCollector<ModelUpdate> atWatermark;

    LearnerOperator(LearnerFunction function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        super.open();
        atWatermark = new TimestampedCollector<>(output);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        atWatermark.setAbsoluteTimestamp(mark.getTimestamp());
        ((LearnerFunction) userFunction).onWatermark(mark.getTimestamp(), atWatermark);
        super.processWatermark(mark);
    }
}
