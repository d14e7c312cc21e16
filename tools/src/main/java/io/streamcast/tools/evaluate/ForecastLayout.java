package io.streamcast.tools.evaluate;

/**
 * Which forecasts a row of an evaluation's per-series CSV carries in its {@code forecast}, {@code forecast_h2} …
 * {@code forecast_hK}, {@code lower} and {@code upper} columns.
 */
public enum ForecastLayout {
    /**
     * Row t holds the forecasts <em>of</em> row t's value: {@code forecast_hk} was made at row t−k from rows 0..t−k
     * only. Every forecast sits beside the value it forecast, so errors are read off one row (the layout of
     * point-forecast scorers such as {@code forecast_score.py}). The forecast made at a series' last row has no row.
     */
    TARGET,
    /**
     * Row t holds the forecasts <em>made at</em> row t for the next K rows: {@code forecast_hk} forecasts row t+k.
     * The last row of each file is the forecast from the series' end (what a competition such as M4 scores, and
     * what {@code m4_score.py --from-evaluate} reads).
     */
    ORIGIN
}
