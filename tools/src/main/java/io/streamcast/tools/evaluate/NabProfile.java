package io.streamcast.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NAB application profile: the weight of a detected window (true positive), of a detection outside
 * every window (false positive) and of a missed window (false negative).
 *
 * @param name     e.g. {@code standard}
 * @param tpWeight earned by a window's earliest detection at the window's first row
 * @param fpWeight lost per detection outside windows (scaled by the sigmoid after a window)
 * @param fnWeight lost per window without a detection
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    public static final NabProfile REWARD_LOW_FP = new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final NabProfile REWARD_LOW_FN = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

    public NabProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("profile name must not be blank");
        }
        if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0)) {
            throw new IllegalArgumentException("profile " + name + ": weights must be tp > 0, fp >= 0, fn >= 0; got tp "
                    + tpWeight + ", fp " + fpWeight + ", fn " + fnWeight);
        }
    }

    /** NAB's three profiles in NAB's order: standard, reward_low_FP_rate, reward_low_FN_rate. */
    public static List<NabProfile> defaults() {
        return List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);
    }

    /**
     * Reads NAB's {@code config/profiles.json} ({@code {"standard": {"CostMatrix": {"tpWeight": ..}}}}; the
     * {@code CostMatrix} level may be left out). Known profiles come first in NAB's order, others after them.
     */
    public static List<NabProfile> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object of profiles");
        }
        Map<String, NabProfile> byName = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode cm = e.getValue().has("CostMatrix") ? e.getValue().get("CostMatrix") : e.getValue();
            byName.put(e.getKey(), new NabProfile(e.getKey(), weight(file, e.getKey(), cm, "tpWeight"),
                    weight(file, e.getKey(), cm, "fpWeight"), weight(file, e.getKey(), cm, "fnWeight")));
        }
        List<NabProfile> out = new ArrayList<>();
        for (NabProfile p : defaults()) {
            if (byName.containsKey(p.name())) {
                out.add(byName.remove(p.name()));
            }
        }
        out.addAll(byName.values());
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no profiles");
        }
        return out;
    }

    private static double weight(Path file, String profile, JsonNode cm, String field) {
        JsonNode n = cm.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(file + ": profile " + profile + " has no numeric " + field);
        }
        return n.doubleValue();
    }
}
