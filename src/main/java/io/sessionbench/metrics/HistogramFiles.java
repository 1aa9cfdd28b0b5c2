package io.sessionbench.metrics;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/** Writes and reads HdrHistogram interval logs ({@code .hlog}) and percentile text ({@code .hgrm}). */
public final class HistogramFiles {
    private HistogramFiles() {
    }

    /** Appends interval histograms to {@code file}, writing the log header first when the file is new. */
    public static void append(Path file, List<Histogram> intervals) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean fresh = !Files.exists(file);
            try (PrintStream out = new PrintStream(new FileOutputStream(file.toFile(), true), false, "UTF-8")) {
                HistogramLogWriter w = new HistogramLogWriter(out);
                if (fresh) {
                    w.outputLogFormatVersion();
                    long start = intervals.isEmpty() ? System.currentTimeMillis() : intervals.get(0).getStartTimeStamp();
                    w.outputStartTime(start);
                    w.outputBaseTime(0);
                    w.outputLegend();
                }
                for (Histogram h : intervals) {
                    w.outputIntervalHistogram(h);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write histogram log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every interval in a log, merged per tag (untagged intervals under {@code ""}). */
    public static Map<String, Histogram> readMerged(Path file) {
        Map<String, Histogram> merged = new TreeMap<>();
        try {
            HistogramLogReader r = new HistogramLogReader(file.toFile());
            EncodableHistogram e;
            while ((e = r.nextIntervalHistogram()) != null) {
                Histogram h = (Histogram) e;
                String tag = h.getTag() == null ? "" : h.getTag();
                merged.computeIfAbsent(tag, t -> {
                    Histogram m = new Histogram(Latencies.MAX_NANOS, 3);
                    m.setTag(t);
                    return m;
                }).add(h);
            }
        } catch (FileNotFoundException ex) {
            throw new IllegalStateException("no histogram log at " + file, ex);
        }
        return merged;
    }

    /** Every interval of a log in order, for latency-over-time charts. */
    public static List<Histogram> readIntervals(Path file) {
        List<Histogram> out = new ArrayList<>();
        try {
            HistogramLogReader r = new HistogramLogReader(file.toFile());
            EncodableHistogram e;
            while ((e = r.nextIntervalHistogram()) != null) {
                out.add((Histogram) e);
            }
        } catch (FileNotFoundException ex) {
            throw new IllegalStateException("no histogram log at " + file, ex);
        }
        return out;
    }

    /** HdrHistogram's own percentile text, values in microseconds. */
    public static void writeHgrm(Histogram h, Path file) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
            h.outputPercentileDistribution(out, 1000.0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
