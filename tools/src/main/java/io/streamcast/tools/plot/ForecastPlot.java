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
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Draws one evaluated series ({@link ScoredSeries}) as a PNG, headless: actual values and the one-step forecast
 * with its interval band on top, the anomaly score with the threshold underneath on the same time axis, labelled
 * windows shaded on both, and detections (score at or above the threshold) marked on both.
 */
public final class ForecastPlot {

    private static final Color ACTUAL = new Color(0x1f, 0x3a, 0x93);
    private static final Color FORECAST = new Color(0xe6, 0x7e, 0x22);
    private static final Color BAND = new Color(0xe6, 0x7e, 0x22, 70);
    private static final Color SCORE = new Color(0x6c, 0x34, 0x83);
    private static final Color DETECTION = new Color(0xc0, 0x39, 0x2b);
    private static final Color WINDOW = new Color(0xe7, 0x4c, 0x3c, 45);

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

        YIntervalSeries forecast = new YIntervalSeries("forecast (1 step) with interval");
        XYSeries actual = new XYSeries("actual", false, true);
        XYSeries detectedValues = new XYSeries("detection", false, true);
        XYSeries score = new XYSeries("anomaly score", false, true);
        XYSeries detectedScores = new XYSeries("detection", false, true);
        double[] f1 = series.horizon() > 0 ? series.forecasts()[0] : new double[n];
        int detections = 0;
        for (int t = 0; t < n; t++) {
            if (Double.isFinite(values[t])) {
                actual.add(x[t], values[t]);
            }
            if (series.horizon() > 0 && Double.isFinite(f1[t])) {
                double lo = Double.isFinite(series.lower()[t]) ? series.lower()[t] : f1[t];
                double hi = Double.isFinite(series.upper()[t]) ? series.upper()[t] : f1[t];
                forecast.add(x[t], f1[t], lo, hi);
            }
            score.add(x[t], series.anomalyScore()[t]);
            if (series.anomalyScore()[t] >= threshold) {
                detections++;
                detectedScores.add(x[t], series.anomalyScore()[t]);
                if (Double.isFinite(values[t])) {
                    detectedValues.add(x[t], values[t]);
                }
            }
        }

        XYPlot top = new XYPlot();
        top.setRangeAxis(axis("value", false));
        YIntervalSeriesCollection band = new YIntervalSeriesCollection();
        band.addSeries(forecast);
        DeviationRenderer bandRenderer = new DeviationRenderer(true, false);
        bandRenderer.setSeriesPaint(0, FORECAST);
        bandRenderer.setSeriesFillPaint(0, BAND);
        bandRenderer.setSeriesStroke(0, new BasicStroke(1.0f));
        bandRenderer.setAlpha(0.35f);
        top.setDataset(0, collection(detectedValues));
        top.setRenderer(0, markers());
        top.setDataset(1, collection(actual));
        top.setRenderer(1, line(ACTUAL, 1.2f));
        top.setDataset(2, band);
        top.setRenderer(2, bandRenderer);

        XYPlot bottom = new XYPlot();
        NumberAxis scoreAxis = axis("anomaly score", false);
        scoreAxis.setRange(-0.02, 1.05);
        bottom.setRangeAxis(scoreAxis);
        bottom.setDataset(0, collection(detectedScores));
        XYLineAndShapeRenderer bottomMarkers = markers();
        bottomMarkers.setSeriesVisibleInLegend(0, false);  // the top panel's markers carry the legend entry
        bottom.setRenderer(0, bottomMarkers);
        bottom.setDataset(1, collection(score));
        bottom.setRenderer(1, line(SCORE, 1.0f));
        ValueMarker thr = new ValueMarker(threshold, DETECTION, new BasicStroke(1.0f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        thr.setLabel(String.format(Locale.ROOT, "threshold %.4g", threshold));
        thr.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        thr.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        thr.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        bottom.addRangeMarker(thr);

        for (LabelledWindows.Window w : windows) {
            long s = NabTimestamps.parse(w.start()).toInstant(ZoneOffset.UTC).toEpochMilli();
            long e = NabTimestamps.parse(w.end()).toInstant(ZoneOffset.UTC).toEpochMilli();
            for (XYPlot p : List.of(top, bottom)) {
                IntervalMarker m = new IntervalMarker(s, e, WINDOW);
                p.addDomainMarker(m, Layer.BACKGROUND);
            }
        }

        DateAxis time = new DateAxis("time (UTC)");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        plot.add(top, 3);
        plot.add(bottom, 1);
        for (XYPlot p : List.of(top, bottom)) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            p.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            p.setAxisOffset(RectangleInsets.ZERO_INSETS);
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT,
                "%d rows · %d labelled window(s) shaded · %d detection(s) (score ≥ %.4g) marked", n, windows.size(),
                detections, threshold), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
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

    private static XYSeriesCollection collection(XYSeries s) {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(s);
        return c;
    }

    private static XYLineAndShapeRenderer line(Color color, float width) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(width));
        return r;
    }

    private static XYLineAndShapeRenderer markers() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, DETECTION);
        r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        return r;
    }
}
