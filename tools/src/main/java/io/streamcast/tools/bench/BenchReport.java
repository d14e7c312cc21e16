package io.streamcast.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes generated blocks of {@code docs/benchmarks.md}, each between {@code <!-- NAME:start -->} and
 * {@code <!-- NAME:end -->} markers, leaving everything outside the markers (the hand-written text that explains
 * the tables) as it is. A block whose markers are not in the file yet is appended at its end.
 */
public final class BenchReport {

    private BenchReport() {}

    public static void writeSection(Path file, String name, String markdown) throws IOException {
        writeSections(file, Map.of(name, markdown));
    }

    /** Writes several blocks (by marker name) with one read and one write of the file. */
    public static void writeSections(Path file, Map<String, String> blocks) throws IOException {
        String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nEvery table here is written by a command; the command is named above each table.\n";
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            doc = replaceSection(doc, b.getKey(), b.getValue());
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, doc, StandardCharsets.UTF_8);
    }

    static String replaceSection(String doc, String name, String markdown) {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        int s = doc.indexOf(start);
        int e = doc.indexOf(end);
        if (s >= 0 && e > s) {
            return doc.substring(0, s) + block + doc.substring(e + end.length());
        }
        return doc.stripTrailing() + "\n\n" + block + "\n";
    }
}
