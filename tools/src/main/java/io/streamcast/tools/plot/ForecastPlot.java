package io.streamcast.tools.plot;

import io.streamcast.tools.evaluate.LabelledWindows;
import io.streamcast.tools.evaluate.NabTimestamps;
import io.streamcast.tools.evaluate.ScoredSeries;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Draws one evaluated series ({@link ScoredSeries}) as a PNG, headless: actual values and the one-step forecast
 * with its interval band on top (and, when the series has the bounds of longer horizons, the forecast of the longest,
 * K, with its band in a second colour: both made for the row they are drawn at), the anomaly score with the threshold underneath on the same time axis, labelled
 * windows shaded on both, and detections (score at or above the threshold) marked on both: filled red inside a
 * labelled window, hollow black outside every window. Where the time step jumps (a gap in the data: more than
 * {@value #GAP_FACTOR} times the median step and more than 1/{@value #GAP_SHARE} of the time axis, so a long
 * straight line would be drawn) the lines and the band are broken instead of joined across it.
 */
public final class ForecastPlot {

    /**
     * The charts' common frame: white panels with light grid lines, the title, a white background and room on the
     * right for the last date label (centred on its tick at the plot's right edge).
     */
    static JFreeChart chart(String title, CombinedDomainXYPlot plot, List<XYPlot> panels) {
        for (XYPlot p : panels) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            p.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            p.setAxisOffset(RectangleInsets.ZERO_INSETS);
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 48));
        return chart;
    }

    private static final Color ACTUAL = new Color(0x1f, 0x3a, 0x93);
    private static final Color FORECAST = new Color(0xe6, 0x7e, 0x22);
    private static final Color BAND = new Color(0xf8, 0xc4, 0x7e);
    private static final Color FAR_FORECAST = new Color(0x16, 0xa0, 0x85);
    private static final Color FAR_BAND = new Color(0xa3, 0xe4, 0xd7);
    private static final Color OUTSIDE = new Color(0x22, 0x22, 0x22);
    private static final Color SCORE = new Color(0x6c, 0x34, 0x83);
    private static final Color DETECTION = new Color(0xc0, 0x39, 0x2b);
    private static final Color WINDOW = new Color(0xe7, 0x4c, 0x3c, 45);

    /** A step longer than this many times the median step, and longer than 1/GAP_SHARE of the time axis, is a gap. */
    static final int GAP_FACTOR = 3;
    static final int GAP_SHARE = 100;

    /** Numbers for the caption. */
    public record Drawn(int rows, int detections, int windows) {}

    private ForecastPlot() {}

    /**
     * @param title     chart title (e.g. the series' relative path)
     * @param series    the evaluated series
     * @param windows   labelled windows of this series (may be empty)
     * @param threshold detection threshold on the anomaly score
     */
    public static Drawn write(Path png, String title, ScoredSeries series, List<LabelledWindows.Window> windows,
                              double threshold, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int n = series.rows();
        double[] values = series.numericValues();
        long[] x = new long[n];
        for (int t = 0; t < n; t++) {
            x[t] = NabTimestamps.parse(series.timestamps().get(t)).toInstant(ZoneOffset.UTC).toEpochMilli();
        }

        long[][] spans = new long[windows.size()][];
        for (int i = 0; i < spans.length; i++) {
            LabelledWindows.Window w = windows.get(i);
            spans[i] = new long[] {NabTimestamps.parse(w.start()).toInstant(ZoneOffset.UTC).toEpochMilli(),
                    NabTimestamps.parse(w.end()).toInstant(ZoneOffset.UTC).toEpochMilli()};
        }
        List<int[]> segments = segments(x);

        YIntervalSeriesCollection band = new YIntervalSeriesCollection();
        XYSeriesCollection actual = new XYSeriesCollection();
        XYSeriesCollection score = new XYSeriesCollection();
        XYSeries inside = new XYSeries("detection inside a labelled window", false, true);
        XYSeries outside = new XYSeries("detection outside labelled windows", false, true);
        XYSeries insideScores = new XYSeries("inside", false, true);
        XYSeries outsideScores = new XYSeries("outside", false, true);
        double[] f1 = series.horizon() > 0 ? series.forecasts()[0] : new double[n];
        // the interval of the longest horizon with bounds (evaluate writes K/2 and K), as a second band
        int far = series.bounds().isEmpty() ? 0 : series.bounds().lastKey();
        double[] fk = far > 0 && far <= series.horizon() ? series.forecasts()[far - 1] : null;
        YIntervalSeriesCollection farBand = new YIntervalSeriesCollection();
        int detections = 0;
        for (int[] seg : segments) {
            // one series per stretch without a gap: the renderers join consecutive items of a series only
            String suffix = actual.getSeriesCount() == 0 ? "" : " " + seg[0];
            YIntervalSeries forecast = new YIntervalSeries("forecast (1 step) with 90% interval" + suffix);
            YIntervalSeries farForecast = new YIntervalSeries("forecast (" + far + " steps) with 90% interval" + suffix);
            XYSeries act = new XYSeries("actual" + suffix, false, true);
            XYSeries sc = new XYSeries("anomaly score" + suffix, false, true);
            for (int t = seg[0]; t < seg[1]; t++) {
                if (Double.isFinite(values[t])) {
                    act.add(x[t], values[t]);
                }
                if (series.horizon() > 0 && Double.isFinite(f1[t])) {
                    double lo = Double.isFinite(series.lower()[t]) ? series.lower()[t] : f1[t];
                    double hi = Double.isFinite(series.upper()[t]) ? series.upper()[t] : f1[t];
                    forecast.add(x[t], f1[t], lo, hi);
                }
                if (fk != null && Double.isFinite(fk[t])) {
                    double lo = Double.isFinite(series.lower(far)[t]) ? series.lower(far)[t] : fk[t];
                    double hi = Double.isFinite(series.upper(far)[t]) ? series.upper(far)[t] : fk[t];
                    farForecast.add(x[t], fk[t], lo, hi);
                }
                sc.add(x[t], series.anomalyScore()[t]);
                if (series.anomalyScore()[t] >= threshold) {
                    detections++;
                    boolean in = inWindow(x[t], spans);
                    (in ? insideScores : outsideScores).add(x[t], series.anomalyScore()[t]);
                    if (Double.isFinite(values[t])) {
                        (in ? inside : outside).add(x[t], values[t]);
                    }
                }
            }
            band.addSeries(forecast);
            if (fk != null) {
                farBand.addSeries(farForecast);
            }
            actual.addSeries(act);
            score.addSeries(sc);
        }

        XYPlot top = new XYPlot();
        top.setRangeAxis(axis("value", false));
        DeviationRenderer bandRenderer = new DeviationRenderer(true, false);
        bandRenderer.setAlpha(0.75f);
        for (int i = 0; i < band.getSeriesCount(); i++) {
            bandRenderer.setSeriesPaint(i, FORECAST);
            bandRenderer.setSeriesFillPaint(i, BAND);
            bandRenderer.setSeriesStroke(i, new BasicStroke(1.0f));
            bandRenderer.setSeriesVisibleInLegend(i, i == 0);
        }
        top.setDataset(0, detectionCollection(inside, outside));
        top.setRenderer(0, markers());
        top.setDataset(1, actual);
        top.setRenderer(1, line(ACTUAL, 1.2f, actual.getSeriesCount()));
        top.setDataset(2, band);
        top.setRenderer(2, bandRenderer);
        if (farBand.getSeriesCount() > 0) {
            DeviationRenderer farRenderer = new DeviationRenderer(true, false);
            farRenderer.setAlpha(0.35f);
            for (int i = 0; i < farBand.getSeriesCount(); i++) {
                farRenderer.setSeriesPaint(i, FAR_FORECAST);
                farRenderer.setSeriesFillPaint(i, FAR_BAND);
                farRenderer.setSeriesStroke(i, new BasicStroke(0.8f));
                farRenderer.setSeriesVisibleInLegend(i, i == 0);
            }
            top.setDataset(3, farBand);
            top.setRenderer(3, farRenderer);
        }

        XYPlot bottom = new XYPlot();
        NumberAxis scoreAxis = axis("anomaly score", false);
        scoreAxis.setRange(-0.02, 1.05);
        bottom.setRangeAxis(scoreAxis);
        bottom.setDataset(0, detectionCollection(insideScores, outsideScores));
        XYLineAndShapeRenderer bottomMarkers = markers();
        bottomMarkers.setSeriesVisibleInLegend(0, false);  // the top panel's markers carry the legend entries
        bottomMarkers.setSeriesVisibleInLegend(1, false);
        bottom.setRenderer(0, bottomMarkers);
        bottom.setDataset(1, score);
        bottom.setRenderer(1, line(SCORE, 1.0f, score.getSeriesCount()));
        ValueMarker thr = new ValueMarker(threshold, DETECTION, new BasicStroke(1.0f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        thr.setLabel(String.format(Locale.ROOT, "threshold %.4g", threshold));
        thr.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        thr.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        thr.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        bottom.addRangeMarker(thr);

        for (long[] w : spans) {
            for (XYPlot p : List.of(top, bottom)) {
                IntervalMarker m = new IntervalMarker(w[0], w[1], WINDOW);
                p.addDomainMarker(m, Layer.BACKGROUND);
            }
        }

        DateAxis time = new DateAxis("time (UTC)");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        plot.add(top, 3);
        plot.add(bottom, 1);
        JFreeChart chart = chart(title, plot, List.of(top, bottom));
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT,
                "%d rows · %d labelled window(s) shaded · %d detection(s) (score ≥ %.4g) marked: %d inside, %d outside "
                        + "labelled windows%s", n, windows.size(), detections, threshold, insideScores.getItemCount(),
                outsideScores.getItemCount(), segments.size() > 1 ? " · " + (segments.size() - 1)
                        + " gap(s) in the data not joined" : ""), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
        return new Drawn(n, detections, windows.size());
    }

    private static NumberAxis axis(String label, boolean includeZero) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(includeZero);
        return a;
    }

    /**
     * The rows split where the time step jumps: [start, end) ranges, a new one wherever a row follows the previous
     * by more than {@link #GAP_FACTOR} times the median step and by more than 1/{@link #GAP_SHARE} of the whole span
     * (short irregular steps, as in sensor data sampled every 5 to 30 minutes, stay joined).
     */
    static List<int[]> segments(long[] x) {
        List<int[]> out = new ArrayList<>();
        if (x.length == 0) {
            return out;
        }
        long[] steps = new long[x.length - 1];
        int m = 0;
        for (int t = 1; t < x.length; t++) {
            if (x[t] > x[t - 1]) {
                steps[m++] = x[t] - x[t - 1];
            }
        }
        long[] positive = Arrays.copyOf(steps, m);
        Arrays.sort(positive);
        long median = m == 0 ? 0 : positive[m / 2];
        long minGap = Math.max(GAP_FACTOR * median, (x[x.length - 1] - x[0]) / GAP_SHARE);
        int start = 0;
        for (int t = 1; t < x.length; t++) {
            if (median > 0 && x[t] - x[t - 1] > minGap) {
                out.add(new int[] {start, t});
                start = t;
            }
        }
        out.add(new int[] {start, x.length});
        return out;
    }

    /** True when {@code x} lies in one of the windows ({start, end} epoch milliseconds, both inclusive). */
    static boolean inWindow(long x, long[][] windows) {
        for (long[] w : windows) {
            if (x >= w[0] && x <= w[1]) {
                return true;
            }
        }
        return false;
    }

    private static XYSeriesCollection detectionCollection(XYSeries inside, XYSeries outside) {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(inside);
        c.addSeries(outside);
        return c;
    }

    private static XYLineAndShapeRenderer line(Color color, float width, int seriesCount) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < seriesCount; i++) {
            r.setSeriesPaint(i, color);
            r.setSeriesStroke(i, new BasicStroke(width));
            r.setSeriesVisibleInLegend(i, i == 0);
        }
        return r;
    }

    /** Series 0: detections inside labelled windows (filled red); series 1: outside them (hollow black). */
    private static XYLineAndShapeRenderer markers() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, DETECTION);
        r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        r.setSeriesPaint(1, OUTSIDE);
        r.setSeriesShape(1, new Ellipse2D.Double(-4.5, -4.5, 9, 9));
        r.setSeriesShapesFilled(1, false);
        r.setSeriesOutlineStroke(1, new BasicStroke(1.5f));
        r.setSeriesStroke(1, new BasicStroke(1.5f));
        r.setUseOutlinePaint(false);
        return r;
    }
}
