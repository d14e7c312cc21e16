package io.streamcast.jobs.control;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The models topic's parser: complete updates pass (normalized), anything else becomes a control error. */
class ModelUpdateParseTest {

    static final String SHA = "AB".repeat(32);

    @Test
    void completeUpdatesPassAndMalformedOnesBecomeControlErrors() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ModelControl.Parse()))) {
            h.open();
            h.processElement(new StreamRecord<>("{\"version\":\"v2\",\"uri\":\" /models/v2.scm \",\"sha256\":\"" + SHA
                    + "\",\"comment\":\"unknown fields are ignored\"}"));
            h.processElement(new StreamRecord<>("{\"version\":\"v3\",\"uri\":\"/models/v3.scm\"}"));
            h.processElement(new StreamRecord<>("{\"version\":\"v4\",\"uri\":\"/m\",\"sha256\":\"xyz\"}"));
            h.processElement(new StreamRecord<>("not json"));

            assertThat(h.extractOutputValues()).containsExactly(
                    new ModelUpdate("v2", "/models/v2.scm", SHA.toLowerCase()));
            List<ModelControlError> errors = h.getSideOutput(ModelControl.ERRORS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(errors).hasSize(3).allSatisfy(e ->
                    assertThat(e.getReason()).isEqualTo(ModelRefusal.MALFORMED_UPDATE.code()));
            assertThat(errors.get(0).getDetail()).contains("\"sha256\"").contains("v3");
            assertThat(errors.get(1).getDetail()).contains("64 hex digits");
            assertThat(errors.get(2).getDetail()).contains("not json");
        }
    }

    @Test
    void anArtifactLargerThanTheLimitIsRefusedBeforeItIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path big = dir.resolve("big.scm");
        java.nio.file.Files.write(big, new byte[200_000]);
        var update = new ModelUpdate("big", big.toString(), "0".repeat(64));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(ModelRefusal.RefusedException.class,
                () -> ModelLoader.load(update, 100_000)).reason()).isEqualTo(ModelRefusal.TOO_LARGE);
    }
}
