package io.streamcast.learner.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.learner.core.CandidateTrainer;
import io.streamcast.learner.core.DirectoryModelStore;
import io.streamcast.learner.core.Learner;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.model.core.artifact.ModelArtifact;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner's checkpointed record ({@link LearnerFunction#write}, layout 1) read back. */
class LearnerStateTest {

    @TempDir
    Path tmp;

    static final CandidateTrainer NEVER = (series, serving, seed) -> {
        throw new AssertionError("no round is due in this test");
    };

    Learner learner(ModelBundle start) throws IOException {
        LearnerConfig c = LearnerConfig.builder().maxKeys(8).pointsPerKey(32).holdout(4).everyEvents(0)
                .everyEventTime(Duration.ofDays(30)).minPoints(0).build();
        ModelArtifact a = start.load();
        return new Learner(c, a, start.sha256(), NEVER, new DirectoryModelStore(tmp));
    }

    @Test
    void theSampleTheScheduleAndTheServingVersionComeBack() throws Exception {
        ModelBundle start = LearnerJobITCase.start();
        Learner l = learner(start);
        for (int t = 0; t < 100; t++) {
            l.onEvent("k" + (t % 3), 1_000L * t, Math.sin(t));
        }
        byte[] record = LearnerFunction.write(l);

        Learner r = learner(start);
        LearnerFunction.read(record, r);
        assertThat(r.sample().points()).isEqualTo(l.sample().points()).isEqualTo(3 * 32);
        assertThat(r.sample().split(4)).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(l.sample().split(4));
        assertThat(r.schedule().eventsSinceRound()).isEqualTo(100);
        assertThat(r.schedule().lastRoundTime()).isEqualTo(0);
        assertThat(r.schedule().eventTime()).isEqualTo(99_000);
        assertThat(r.serving().modelVersion()).isEqualTo(LearnerJobITCase.START_VERSION);
        assertThat(LearnerFunction.write(r)).isEqualTo(record);
    }

    @Test
    void aRecordOfAnUnknownLayoutIsRefusedByName() throws Exception {
        Learner l = learner(LearnerJobITCase.start());
        byte[] record = LearnerFunction.write(l);
        record[0] = 9;
        assertThatThrownBy(() -> LearnerFunction.read(record, l)).isInstanceOf(IOException.class)
                .hasMessage("learner state layout 9 is not known (this version reads 1)");
    }
}
