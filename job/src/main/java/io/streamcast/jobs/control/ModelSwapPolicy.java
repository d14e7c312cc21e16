package io.streamcast.jobs.control;

/** What happens to a key's recurrent state when the model in service changes. */
public enum ModelSwapPolicy {
    /**
     * Keep the key's recurrent state (and pending forecasts) when the new model has the same architecture
     * (cell types and sizes of every layer, features, horizon) as the one that wrote it; start afresh otherwise.
     */
    KEEP_IF_SAME_ARCHITECTURE,
    /** Always start the recurrent state and pending forecasts afresh. */
    RESET
}
