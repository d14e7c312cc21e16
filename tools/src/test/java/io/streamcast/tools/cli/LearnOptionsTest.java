package io.streamcast.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The learner's options on {@code run --learn} and {@code evaluate --prequential}: refusals name what to change. */
class LearnOptionsTest {

    @Test
    void runLearnRefusesAnExternalBrokerAndSaysWhatToLeaveOut() {
        StreamcastCliTest.Result r = StreamcastCliTest.execute("run", "--learn", "--bootstrap-servers",
                "127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --learn runs on the in-process broker with the replay: leave "
                + "out --bootstrap-servers, --source, --no-replay and --follow");
    }

    @Test
    void anInvalidLearnerSettingIsNamedWithItsValue() {
        StreamcastCliTest.Result r = StreamcastCliTest.execute("run", "--learn", "--learn-margin", "1.5");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: invalid learner settings: margin must be in [0, 1), got 1.5");
    }

    @Test
    void aLearnerDurationThatIsNotOneIsRefusedByPicocli() {
        StreamcastCliTest.Result r = StreamcastCliTest.execute("evaluate", "--prequential", "--data", "x", "--out",
                "y", "--learn-every", "soon");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'soon' is not a duration: use e.g. 7d, 12h, 30min, 45s, 500ms or PT12H");
    }

    @Test
    void prequentialRefusesNabLabels() {
        StreamcastCliTest.Result r = StreamcastCliTest.execute("evaluate", "--prequential", "--data", "x", "--out",
                "y", "--labels", "windows.json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --prequential scores forecasts only: leave out --labels and "
                + "--threshold");
    }
}
