package io.streamcast.tools.bench;

import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.learner.core.Learner;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.learner.job.LearnerFunction;
import io.streamcast.learner.job.LearnerJob;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code learner}: the forecast job's throughput ({@link GeneratorScenario}'s run: generator → job → discard, heap
 * state, parallelism 1) while the learner job runs beside it on the same machine, against the job alone, the two
 * alternating run by run in this JVM after one untimed run of the job (JIT). The row is the job's median with the
 * learner beside; its note gives the job's median alone and the ratio of the two medians.
 *
 * <p>The learner is its own job ({@link LearnerJob}) in a local mini-cluster of its own in this JVM. It is fed the
 * same generator sequence as the job (the same keys and values, step by step), continued past the job's last step,
 * at the rate the job alone reached in the run just before, as a learner reading the same topic beside the job gets
 * its events. It is started first, and the measured run of the job starts when the learner's first round is due
 * (at its {@value #FIRST_ROUND_STEP}th step of event time: training is the learner's heaviest work); the learner is
 * cancelled when the job's run ends, a round in progress finishing first. Its settings, so that a round trains within
 * a run at this key count: the sample holds every key ({@code maxKeys} = keys) with {@value #POINTS_PER_KEY} points
 * each (at 1,024 keys, the default, 100,000 keys visited round-robin push each key out of the sample before its next
 * event and no round ever runs), a holdout of {@value #HOLDOUT} points, a round every {@value #EVERY_MINUTES} minutes
 * of event time, {@value #EPOCHS} epoch a round; the rest are {@link LearnerConfig}'s defaults (margin, patience,
 * seed). Accepted versions go to a model store in the work folder and their announcements to a counting sink;
 * each round's line is logged. A second row runs the same learner with its training paced to {@value #PACED_SHARE} of
 * a core ({@link LearnerConfig#trainingCpuShare}), its runs alternating with the other two.
 */
record LearnerScenario(int keys, int repeats) implements PipelineScenario {

    static final String TITLE = "generator → job → discard, learner job beside";
    /** The share of a core the paced learner's training takes ({@code --learn-cpu-share}). */
    static final double PACED_SHARE = 0.25;
    static final String PACED_TITLE = TITLE + ", training at 0.25 of a core";
    static final int HOLDOUT = 6;
    static final int POINTS_PER_KEY = 32;
    static final int EVERY_MINUTES = 20;
    /** The step (one a minute per key) at whose watermark the first round is due. */
    static final int FIRST_ROUND_STEP = EVERY_MINUTES;
    /** Epochs of a round: one, so that a round at 100,000 keys ends within minutes on a small machine. */
    static final int EPOCHS = 1;
    /** Events per key of the learner's stream: it runs until cancelled. */
    static final long LEARNER_PER_KEY = 1_000_000;

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        long perKey = GeneratorScenario.eventsPerKey(h.quick, keys, "hashmap");
        // each round's outcome, size and time in the bench's output (the learner's INFO and WARN lines)
        Configurator.setLevel(Learner.class.getName(), Level.INFO);
        Configurator.setLevel(LearnerFunction.class.getName(), Level.INFO);
        h.log.println("learner: an untimed run of the job first");
        GeneratorScenario.run(h, keys, perKey, 1, "hashmap");
        double[] alone = new double[repeats];
        double[] beside = new double[repeats];
        double[] paced = new double[repeats];
        long announced = 0;
        long announcedPaced = 0;
        for (int i = 0; i < repeats; i++) {
            alone[i] = GeneratorScenario.run(h, keys, perKey, 1, "hashmap");
            beside[i] = runBeside(h, keys, perKey, alone[i], 1.0);
            announced += Announcements.COUNT.get();
            h.log.printf(Locale.ROOT, "learner p=1 keys=%d, run %d: alone %,.0f events/s, learner beside %,.0f events/s "
                    + "(%.2f), %d versions accepted%n", keys, i + 1, alone[i], beside[i], beside[i] / alone[i],
                    Announcements.COUNT.get());
            paced[i] = runBeside(h, keys, perKey, alone[i], PACED_SHARE);
            announcedPaced += Announcements.COUNT.get();
            h.log.printf(Locale.ROOT, "learner p=1 keys=%d, run %d: learner beside training at %.2f of a core %,.0f "
                    + "events/s (%.2f), %d versions accepted%n", keys, i + 1, PACED_SHARE, paced[i], paced[i] / alone[i],
                    Announcements.COUNT.get());
        }
        double aloneMedian = median(alone);
        double besideMedian = median(beside);
        double pacedMedian = median(paced);
        String note = String.format(Locale.ROOT, "%.2f of the job alone, %,.0f events/s (median of %d runs alternating "
                + "with these, same events); the learner beside: every key sampled, %d points each, a round of %d epoch "
                + "every %d min of event time, each measured run starting at its first round; %d versions accepted",
                besideMedian / aloneMedian, aloneMedian, repeats, POINTS_PER_KEY, EPOCHS, EVERY_MINUTES, announced);
        h.log.printf(Locale.ROOT, "learner p=1 keys=%d: %,.0f events/s, %s%n", keys, besideMedian, note);
        String pacedNote = String.format(Locale.ROOT, "%.2f of the job alone, %,.0f events/s (the same runs); the same "
                + "learner with --learn-cpu-share %.2f: training pauses after each minibatch for the rest of a core; "
                + "%d versions accepted", pacedMedian / aloneMedian, aloneMedian, PACED_SHARE, announcedPaced);
        h.log.printf(Locale.ROOT, "learner p=1 keys=%d, paced: %,.0f events/s, %s%n", keys, pacedMedian, pacedNote);
        return PipelineResults.ofRows(List.of(
                PipelineRow.measuredNow(TITLE, "hashmap", 1, keys, keys * perKey, besideMedian, note, repeats),
                PipelineRow.measuredNow(PACED_TITLE, "hashmap", 1, keys, keys * perKey, pacedMedian, pacedNote,
                        repeats)));
    }

    /** One run of the job with the learner job beside it, fed the same events at {@code rate} events per second. */
    static double runBeside(PipelineHarness h, int keys, long perKey, double rate, double cpuShare) throws Exception {
        Announcements.COUNT.set(0);
        LearnerEvents.COUNT.set(0);
        StreamExecutionEnvironment learnerEnv = h.environment(1, "hashmap", null);
        LearnerConfig config = LearnerConfig.builder().maxKeys(keys).pointsPerKey(POINTS_PER_KEY).holdout(HOLDOUT)
                .everyEvents(0).everyEventTime(Duration.ofMinutes(EVERY_MINUTES)).epochs(EPOCHS)
                .trainingCpuShare(cpuShare).build();
        SyntheticEvents.Generator events = SyntheticEvents.generator(keys, LEARNER_PER_KEY, 1, false);
        GeneratorFunction<Long, ParsedEvent> counted = n -> {
            LearnerEvents.COUNT.incrementAndGet();
            return events.map(n);
        };
        new LearnerJob(config, h.model, h.work.resolve("learner-store").toUri().toString(),
                new DataGeneratorSource<>(counted, keys * LEARNER_PER_KEY, RateLimiterStrategy.perSecond(rate),
                        TypeInformation.of(ParsedEvent.class)), new Announcements()).build(learnerEnv);
        JobClient learner = learnerEnv.executeAsync("bench-learner");
        try {
            long due = (long) keys * FIRST_ROUND_STEP;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (LearnerEvents.COUNT.get() < due) {
                if (System.nanoTime() > deadline || learner.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException("the learner took " + LearnerEvents.COUNT.get() + " of the "
                            + due + " events before its first round");
                }
                Thread.sleep(100);
            }
            long before = LearnerEvents.COUNT.get();
            double eps = GeneratorScenario.run(h, keys, perKey, 1, "hashmap");
            h.log.printf(Locale.ROOT, "  the learner took %,d events while the job ran%n",
                    LearnerEvents.COUNT.get() - before);
            return eps;
        } finally {
            // ended before the next run starts: a round in progress finishes first (it does not stop on a cancel)
            if (!learner.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                learner.cancel().get(60, TimeUnit.SECONDS);
            }
            try {
                learner.getJobExecutionResult().get(10, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException cancelled) {
                // the expected end of a cancelled job
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Counts the events generated for the learner (in-process mini-cluster runs only: the count is static). */
    static final class LearnerEvents {
        static final AtomicLong COUNT = new AtomicLong();
    }

    /** Counts the learner's announcements (in-process mini-cluster runs only: the count is static). */
    static final class Announcements implements Sink<ModelUpdate> {
        private static final long serialVersionUID = 1L;
        static final AtomicLong COUNT = new AtomicLong();

        @Override
        public SinkWriter<ModelUpdate> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(ModelUpdate update, Context ctx) {
                    COUNT.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
