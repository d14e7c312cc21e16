package io.streamcast.learner.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowSampleTest {

    @Test
    void busyKeysDoNotCrowdOutRareOnes() {
        WindowSample s = new WindowSample(10, 32);
        for (int t = 1; t <= 10_000; t++) {
            s.add("busy", t, t);
            if (t % 1000 == 0) {
                s.add("rare", t, -t);
            }
        }
        List<WindowSample.KeySplit> splits = s.split(4);
        assertThat(splits).extracting(WindowSample.KeySplit::key).containsExactlyInAnyOrder("busy", "rare");
        WindowSample.KeySplit busy = splits.stream().filter(k -> k.key().equals("busy")).findFirst().orElseThrow();
        WindowSample.KeySplit rare = splits.stream().filter(k -> k.key().equals("rare")).findFirst().orElseThrow();
        assertThat(busy.size()).isEqualTo(32);
        assertThat(busy.timestamps()[0]).isEqualTo(10_000 - 31); // the most recent 32
        assertThat(rare.size()).isEqualTo(10);
        assertThat(s.points()).isEqualTo(42);
    }

    @Test
    void aNewKeyIsAdmittedByDroppingAKeyThatWentQuiet() {
        long day = 86_400_000L;
        WindowSample s = new WindowSample(2, 16);
        s.add("a", 1, 1);
        s.add("b", 2, 1);
        s.add("a", 3 + WindowSample.QUIET_DAYS * day, 1); // b has now been quiet for a week
        assertThat(s.add("c", 4 + WindowSample.QUIET_DAYS * day, 1)).isTrue();
        assertThat(s.split(1)).extracting(WindowSample.KeySplit::key).containsExactlyInAnyOrder("a", "c");
        assertThat(s.points()).isEqualTo(3);
    }

    @Test
    void moreLiveKeysThanTheSampleHoldsGiveAStableSampleOfTheKeysWithTheSmallestHashes() {
        // 10,000 keys arriving in turn, every minute, a sample of 100: dropping the least recently seen key would keep
        // every key for less than one round (one point each, nothing to train on); the bottom-k sample keeps 100 keys
        // with their whole history
        WindowSample s = new WindowSample(100, 32);
        int keys = 10_000;
        for (int round = 0; round < 40; round++) {
            for (int k = 0; k < keys; k++) {
                s.add("key-" + k, 60_000L * round + k, round);
            }
        }
        List<WindowSample.KeySplit> splits = s.split(4);
        assertThat(splits).hasSize(100).allSatisfy(k -> assertThat(k.size()).isEqualTo(32));
        assertThat(s.points()).isEqualTo(100 * 32);
        // the held keys are the 100 with the smallest hashes, computed independently of the sample's order
        List<String> expected = java.util.stream.IntStream.range(0, keys).mapToObj(k -> "key-" + k)
                .sorted(java.util.Comparator.comparingLong(WindowSample::keyHash)).limit(100).toList();
        assertThat(splits).extracting(WindowSample.KeySplit::key).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void usedBytesStayWithinTheBoundWhateverTheStream() {
        WindowSample s = new WindowSample(100, 64);
        for (int t = 0; t < 50_000; t++) {
            String key = "key-" + (t * 7919 % 1000) + "x".repeat(t % 300); // long keys too
            s.add(key, t, t % 17);
            assertThat(s.keys()).isLessThanOrEqualTo(100);
        }
        assertThat(s.usedBytes()).isPositive().isLessThanOrEqualTo(s.boundBytes());
        assertThat(s.boundBytes()).isEqualTo(100L * (12 * 64 + WindowSample.KEY_OVERHEAD_BYTES
                + 2 * WindowSample.MAX_KEY_CHARS));
    }

    @Test
    void outOfOrderAndNonFiniteEventsAreLeftOut() {
        WindowSample s = new WindowSample(4, 16);
        assertThat(s.add("a", 10, 1)).isTrue();
        assertThat(s.add("a", 10, 2)).isFalse();
        assertThat(s.add("a", 9, 2)).isFalse();
        assertThat(s.add("a", 11, Double.NaN)).isFalse();
        assertThat(s.add("a", 11, Double.POSITIVE_INFINITY)).isFalse();
        assertThat(s.points()).isEqualTo(1);
    }

    @Test
    void validationHoldsBackOnlyEventsNoServingTrainingSaw() {
        WindowSample s = new WindowSample(4, 100);
        for (int t = 0; t < 50; t++) {
            s.add("a", t, t);
        }
        WindowSample.KeySplit first = s.split(10).get(0);
        assertThat(first.validationStart()).isEqualTo(40);
        s.markTrainedThrough(Map.of("a", first.trainedThrough())); // a model trained on 0..39 serves
        for (int t = 50; t < 53; t++) {
            s.add("a", t, t);
        }
        // 40..52 are unseen: the last 10 of them validate
        assertThat(s.split(10).get(0).validationStart()).isEqualTo(43);
        s.markTrainedThrough(Map.of("a", 51L));
        // only 52 is unseen now
        assertThat(s.split(10).get(0).validationStart()).isEqualTo(52);
    }

    @Test
    void writtenAndReadBackTheSampleIsTheSame() throws Exception {
        WindowSample s = new WindowSample(3, 8);
        for (int t = 0; t < 30; t++) {
            s.add("k" + (t % 3), t, t * 0.5);
        }
        s.markTrainedThrough(Map.of("k1", 21L));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(buf));
        WindowSample r = WindowSample.readFrom(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())), 3, 8);
        assertThat(r.points()).isEqualTo(s.points());
        assertThat(r.split(5)).usingRecursiveFieldByFieldElementComparator().isEqualTo(s.split(5));
        // smaller bounds keep the most recent points and the most recently active keys
        WindowSample small = WindowSample.readFrom(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())),
                2, 4);
        assertThat(small.split(1)).extracting(WindowSample.KeySplit::key).containsExactly("k1", "k2");
        assertThat(small.split(1).get(1).timestamps()).containsExactly(20, 23, 26, 29);
        assertThat(small.split(1).get(0).validationStart()).isEqualTo(3); // k1 trained through 21: only 28 unseen
    }
}
