package io.streamcast.model.core.cell;

import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and creates the kernel that steps a layer.
 *
 * <p>{@link KernelKind#VECTOR} is used when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (the module is then in the boot layer), otherwise {@link KernelKind#SCALAR}.
 * The system property {@value #KERNEL_PROPERTY} ({@code scalar} or {@code vector}) overrides the choice,
 * e.g. to compare both on one machine. The vector classes are only loaded after the module check, so
 * this class is safe to use on a JVM without the module.
 */
public final class Kernels {

    /** System property that forces a kernel: {@code scalar} or {@code vector}. */
    public static final String KERNEL_PROPERTY = "streamcast.kernel";

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

    private Kernels() {
    }

    /** Whether the Vector API module is resolved in the boot layer of this JVM. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The kernel {@link #create(LayerWeights)} uses; decided and logged once per JVM. */
    public static KernelKind best() {
        return Best.KIND;
    }

    /** Creates a cell with the {@link #best()} kernel. */
    public static RecurrentCell create(LayerWeights weights) {
        return create(weights, best());
    }

    /**
     * Creates a cell with the given kernel. Each call packs its own copy of the weights and scratch
     * buffers: create one cell per thread.
     *
     * @throws IllegalStateException if {@code VECTOR} is requested and the module is not present
     */
    public static RecurrentCell create(LayerWeights weights, KernelKind kind) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(kind, "kind");
        if (kind == KernelKind.VECTOR) {
            if (!vectorAvailable()) {
                throw new IllegalStateException("the VECTOR kernel needs the JVM flag --add-modules "
                        + "jdk.incubator.vector; module jdk.incubator.vector is not in the boot layer");
            }
            return VectorCells.create(weights);
        }
        return ScalarCells.create(weights);
    }

    /** Holder: the decision (and its log line) happens on first use, exactly once. */
    private static final class Best {
        static final KernelKind KIND = decide();

        private static KernelKind decide() {
            boolean available = vectorAvailable();
            String forced = System.getProperty(KERNEL_PROPERTY);
            if (forced != null && !forced.isBlank()) {
                KernelKind kind;
                try {
                    kind = KernelKind.valueOf(forced.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("system property " + KERNEL_PROPERTY
                            + " must be 'scalar' or 'vector', got '" + forced + "'", e);
                }
                if (kind == KernelKind.VECTOR && !available) {
                    LOG.warn("{}=vector ignored: module jdk.incubator.vector is not present "
                            + "(add --add-modules jdk.incubator.vector); using the SCALAR kernel", KERNEL_PROPERTY);
                    return KernelKind.SCALAR;
                }
                LOG.warn("Recurrent kernel forced to {} by system property {}", kind, KERNEL_PROPERTY);
                return kind;
            }
            if (available) {
                LOG.info("Recurrent kernel: VECTOR (jdk.incubator.vector, {}-bit vectors)",
                        VectorMath.SPECIES.vectorBitSize());
                return KernelKind.VECTOR;
            }
            LOG.info("Recurrent kernel: SCALAR (start the JVM with --add-modules jdk.incubator.vector "
                    + "for the VECTOR kernel)");
            return KernelKind.SCALAR;
        }
    }
}
