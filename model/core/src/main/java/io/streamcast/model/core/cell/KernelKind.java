package io.streamcast.model.core.cell;

/** Which implementation steps a {@link RecurrentCell}. */
public enum KernelKind {
    /** Plain Java float loops; always available. */
    SCALAR,
    /** SIMD kernels on the incubating Vector API; needs {@code --add-modules jdk.incubator.vector}. */
    VECTOR
}
