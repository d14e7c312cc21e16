package io.streamcast.model.core.feature;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The ordered list of model inputs; the model's first layer has one input per feature, in this order.
 *
 * <p>Rules, checked in the constructor: not empty, {@link Feature#VALUE} first, no duplicates.
 */
public record FeatureSpec(List<Feature> features) {

    /** Only the standardised value. */
    public static final FeatureSpec VALUE_ONLY = new FeatureSpec(List.of(Feature.VALUE));

    /** The value and all four calendar features. */
    public static final FeatureSpec VALUE_AND_CALENDAR = new FeatureSpec(List.of(Feature.VALUE, Feature.HOUR_SIN,
            Feature.HOUR_COS, Feature.DOW_SIN, Feature.DOW_COS));

    public FeatureSpec {
        Objects.requireNonNull(features, "features");
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("features must not be empty: VALUE is required first");
        }
        if (features.get(0) != Feature.VALUE) {
            throw new IllegalArgumentException("the first feature must be VALUE, got " + features);
        }
        EnumSet<Feature> seen = EnumSet.noneOf(Feature.class);
        for (Feature f : features) {
            if (!seen.add(f)) {
                throw new IllegalArgumentException("duplicate feature " + f + " in " + features);
            }
        }
    }

    /** Convenience: {@code FeatureSpec.of(VALUE, HOUR_SIN, HOUR_COS)}. */
    public static FeatureSpec of(Feature... features) {
        return new FeatureSpec(List.of(features));
    }

    /** Number of model inputs. */
    public int size() {
        return features.size();
    }

    /** Position of {@code feature} in the input vector, or −1. */
    public int indexOf(Feature feature) {
        return features.indexOf(feature);
    }
}
