package io.streamcast.learner.job;

import static io.streamcast.learner.job.LearnerJobITCase.HOUR;
import static io.streamcast.learner.job.LearnerJobITCase.KEYS;
import static io.streamcast.learner.job.LearnerJobITCase.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.connectors.event.Event;
import io.streamcast.jobs.control.ModelUpdate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's round runs when the watermark makes it due, also when no event follows that watermark: after a
 * restore, the source can have delivered every event before the combined watermark passed the round's time.
 */
class LearnerOperatorTest {

    @TempDir
    Path tmp;

    private OneInputStreamOperatorTestHarness<Event, ModelUpdate> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LearnerOperator(new LearnerFunction(
                LearnerJobITCase.learner(), LearnerJobITCase.start(), tmp.toUri().toString())));
    }

    /** Hours [from, to) of every key, without watermarks. */
    private static void events(OneInputStreamOperatorTestHarness<Event, ModelUpdate> h, int from, int to)
            throws Exception {
        double[][] values = LearnerJobITCase.values(to);
        for (int t = from; t < to; t++) {
            for (int key = 0; key < KEYS; key++) {
                h.processElement(new StreamRecord<>(new Event("key-" + key, T0 + t * HOUR, values[key][t]),
                        T0 + t * HOUR));
            }
        }
    }

    @Test
    void aWatermarkThatMakesTheRoundDueRunsItWithoutAnotherEvent() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processWatermark(T0 - 1); // the schedule's clock starts here: a round every 12 days (288 hours)
            events(h, 0, 300);
            assertThat(h.extractOutputValues()).as("no round before the watermark reaches hour 288").isEmpty();

            h.processWatermark(T0 + 287 * HOUR);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + 288 * HOUR - 1);
            assertThat(h.extractOutputValues()).singleElement().satisfies(u -> {
                assertThat(u.getVersion()).isEqualTo("learned-1-20260116T235959Z");
                assertThat(Files.exists(Path.of(URI.create(u.getUri())))).isTrue();
            });
            // the announcement, stamped with the watermark that made it, goes out before that watermark
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out.subList(out.size() - 2, out.size())).containsExactly(
                    new StreamRecord<>(h.extractOutputValues().get(0), T0 + 288 * HOUR - 1),
                    new Watermark(T0 + 288 * HOUR - 1));
        }
    }

    @Test
    void theEndOfABoundedInputRunsNoRound() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processWatermark(T0 - 1);
            events(h, 0, 300);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(tmp).isEmptyDirectory();
        }
    }
}
