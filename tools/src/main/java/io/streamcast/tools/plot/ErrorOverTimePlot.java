package io.streamcast.tools.plot;

import io.streamcast.tools.evaluate.PrequentialErrors;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The error over event time of a prequential run with the learner against the fixed starting model, persistence and
 * SES ({@link PrequentialErrors}): one panel per horizon (weekly mean of each row's absolute error over its series'
 * scale), a panel with the share of forecasts made by a learned version, and a marker where each learned version
 * first served.
 */
public final class ErrorOverTimePlot {
    private static final Color[] COLORS = {new Color(0xc0, 0x39, 0x2b), new Color(0x1f, 0x3a, 0x93),
            new Color(0x7f, 0x8c, 0x8d), new Color(0x27, 0xae, 0x60)};
    private static final long WEEK = 7L * 24 * 3_600_000L;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ErrorOverTimePlot() {}

    public static void write(Path png, String title, PrequentialErrors e, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // the weeks that have rows, one unit each: the series span years with long gaps between groups of keys
        TreeSet<Long> weeks = new TreeSet<>(e.versions().learnedShare().keySet());
        e.overTime().forEach(o -> weeks.addAll(o.weeks().keySet()));
        List<Long> order = new ArrayList<>(weeks);
        String[] labels = new String[order.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = DAY.format(Instant.ofEpochMilli(order.get(i)));
        }
        SymbolAxis time = new SymbolAxis("week of event time (UTC); weeks without rows left out, a gap breaks the lines",
                labels);
        time.setVerticalTickLabels(true);
        time.setGridBandsVisible(false);
        time.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        List<XYPlot> panels = new ArrayList<>();
        for (PrequentialErrors.OverTime o : e.overTime()) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (int m = 0; m < PrequentialErrors.METHODS.size(); m++) {
                XYSeries s = new XYSeries(PrequentialErrors.METHODS.get(m)
                        + (m == 1 ? " (" + e.versions().starting() + ")" : ""), true, false);
                long previous = Long.MIN_VALUE;
                for (Map.Entry<Long, double[]> w : o.weeks().entrySet()) {
                    int x = order.indexOf(w.getKey());
                    if (previous != Long.MIN_VALUE && w.getKey() - previous > WEEK) {
                        s.add(x - 0.5, (Number) null); // a gap: the line breaks
                    }
                    s.add(x, (Number) w.getValue()[m]);
                    previous = w.getKey();
                }
                data.addSeries(s);
            }
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
            for (int m = 0; m < COLORS.length; m++) {
                r.setSeriesPaint(m, COLORS[m]);
                r.setSeriesStroke(m, new BasicStroke(m == 0 ? 2.2f : 1.3f));
            }
            NumberAxis y = new NumberAxis("h=" + o.horizon() + ": |error| / scale");
            y.setAutoRangeIncludesZero(true);
            XYPlot p = new XYPlot(data, null, y, r);
            p.getRenderer().setDefaultSeriesVisibleInLegend(panels.isEmpty());
            panels.add(p);
            plot.add(p, 3);
        }
        XYSeriesCollection share = new XYSeriesCollection();
        XYSeries s = new XYSeries("share of forecasts by a learned version", true, false);
        e.versions().learnedShare().forEach((w, v) -> s.add(order.indexOf(w), (Number) v));
        share.addSeries(s);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, new Color(0x8e, 0x44, 0xad));
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
        NumberAxis y = new NumberAxis("learned share");
        y.setRange(0, 1.05);
        XYPlot bottom = new XYPlot(share, null, y, r);
        panels.add(bottom);
        plot.add(bottom, 1);
        int i = 0;
        for (Map.Entry<Long, String> v : e.versions().firstServed().entrySet()) {
            for (XYPlot p : panels) {
                long w = Math.floorDiv(v.getKey(), WEEK) * WEEK;
                double at = order.indexOf(w) - 0.5 + (double) (v.getKey() - w) / WEEK;
                ValueMarker m = new ValueMarker(at, new Color(0x8e, 0x44, 0xad), new BasicStroke(0.8f,
                        BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 3f}, 0f));
                if (p == panels.get(0)) {
                    m.setLabel(v.getValue().replaceFirst("-\\d{8}T\\d{6}Z$", ""));
                    m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                    m.setLabelAnchor(i++ % 2 == 0 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.RIGHT);
                    m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                }
                p.addDomainMarker(m);
            }
        }
        JFreeChart chart = ForecastPlot.chart(title, plot, panels);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "weekly mean over all series' scored rows; dashed: "
                + "a learned version first serves (%d versions)", e.versions().firstServed().size()),
                new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }
}
