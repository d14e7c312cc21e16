package io.streamcast.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Labelled anomaly windows in NAB's {@code combined_windows.json} format: a JSON object from a data file's
 * relative path ({@code realTweets/Twitter_volume_AAPL.csv}) to a list of {@code [start, end]} timestamp pairs,
 * both ends inclusive. Files with no anomaly have an empty list; they still count (every detection in them is a
 * false positive).
 */
public final class LabelledWindows {

    /** One labelled window, as timestamp text exactly as the labels file gives it. */
    public record Window(String start, String end) {}

    private final Map<String, List<Window>> byFile;

    private LabelledWindows(Map<String, List<Window>> byFile) {
        this.byFile = Collections.unmodifiableMap(byFile);
    }

    public static LabelledWindows of(Map<String, List<Window>> byFile) {
        Map<String, List<Window>> copy = new TreeMap<>();
        byFile.forEach((k, v) -> copy.put(normalise(k), List.copyOf(v)));
        return new LabelledWindows(copy);
    }

    public static LabelledWindows read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object {\"dir/file.csv\": [[start, end], ...]}");
        }
        Map<String, List<Window>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException(file + ": entry " + e.getKey() + " is not a list of windows");
            }
            List<Window> windows = new ArrayList<>();
            for (JsonNode w : e.getValue()) {
                if (!w.isArray() || w.size() != 2 || !w.get(0).isTextual() || !w.get(1).isTextual()) {
                    throw new IllegalArgumentException(file + ": entry " + e.getKey()
                            + " has a window that is not a [start, end] pair of timestamps: " + w);
                }
                windows.add(new Window(w.get(0).asText(), w.get(1).asText()));
            }
            out.put(normalise(e.getKey()), List.copyOf(windows));
        }
        return new LabelledWindows(out);
    }

    /** Relative paths of the labelled files, sorted. */
    public List<String> files() {
        return List.copyOf(byFile.keySet());
    }

    public boolean contains(String relativePath) {
        return byFile.containsKey(normalise(relativePath));
    }

    /** The windows of one file; empty when the file is labelled with none or not labelled at all. */
    public List<Window> windows(String relativePath) {
        return byFile.getOrDefault(normalise(relativePath), List.of());
    }

    /**
     * The label entry whose relative path is a suffix of {@code path} (so {@code out/realTweets/x.csv} finds
     * {@code realTweets/x.csv}); the longest such entry wins. Null when none matches.
     */
    public String entryFor(Path path) {
        String p = normalise(path.toString());
        String best = null;
        for (String k : byFile.keySet()) {
            if ((p.equals(k) || p.endsWith("/" + k)) && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        return best;
    }

    private static String normalise(String rel) {
        return rel.replace('\\', '/');
    }
}
