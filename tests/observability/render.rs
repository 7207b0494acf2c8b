//! Draws the dashboard's main panels to a PNG with plotters, from Prometheus range
//! queries: what an operator would see in Grafana, without Grafana.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;
use serde_json::Value;

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const PANEL_WIDTH: u32 = 620;
const PANEL_HEIGHT: u32 = 340;
const COLUMNS: usize = 3;
const HEADER: u32 = 56;
/// Series per panel beyond which the smallest are left out, for legibility.
const MAX_SERIES: usize = 8;

/// A dashboard panel to draw, with its variables filled in.
pub struct Panel {
    pub title: String,
    pub unit: String,
    /// The `$stage` value (`.*` for the pipeline panels).
    pub stage: String,
    /// (expr, legend format) per target.
    pub targets: Vec<(String, String)>,
}

/// One line of a panel.
pub struct Series {
    pub name: String,
    /// (unix time, value); NaN where the query had no defined value.
    pub points: Vec<(f64, f64)>,
}

/// The pipeline panels, then per stage its throughput, processing-time and
/// lag panels.
pub fn main_panels(dashboard: &Value, stages: &[&str]) -> Vec<Panel> {
    let mut pipeline = Vec::new();
    let mut per_stage = Vec::new();
    let mut row_repeats = false;
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        if panel["type"] == "row" {
            row_repeats = panel["repeat"].as_str().is_some();
            continue;
        }
        let title = panel["title"].as_str().unwrap_or_default().to_string();
        let unit = panel["fieldConfig"]["defaults"]["unit"]
            .as_str()
            .unwrap_or("short")
            .to_string();
        let targets: Vec<(String, String)> = panel["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t["expr"].as_str()?.to_string(),
                    t["legendFormat"].as_str().unwrap_or_default().to_string(),
                ))
            })
            .collect();
        if !row_repeats {
            pipeline.push(Panel {
                title,
                unit,
                stage: ".*".into(),
                targets,
            });
        } else if [
            "Records in / out per second",
            "Processing time per record",
            "Consumer lag",
        ]
        .contains(&title.as_str())
        {
            per_stage.push((title, unit, targets));
        }
    }
    for stage in stages {
        for (title, unit, targets) in &per_stage {
            pipeline.push(Panel {
                title: format!("{stage}: {title}"),
                unit: unit.clone(),
                stage: stage.to_string(),
                targets: targets.clone(),
            });
        }
    }
    pipeline
}

/// A legend format (`{{stage}}`) filled with a series' labels.
pub fn legend(format: &str, labels: &BTreeMap<String, String>) -> String {
    let mut name = format.to_string();
    for (key, value) in labels {
        name = name.replace(&format!("{{{{{key}}}}}"), value);
    }
    if name.is_empty() {
        name = labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
    }
    name
}

fn axis_label(unit: &str, value: f64) -> String {
    match unit {
        "s" if value < 1.0 => format!("{:.2} ms", value * 1e3),
        "s" => format!("{value:.1} s"),
        "bytes" => format!("{:.1} MiB", value / (1024.0 * 1024.0)),
        "percentunit" => format!("{:.0}%", value * 100.0),
        "reqps" if value < 10.0 => format!("{value:.1}/s"),
        "reqps" => format!("{value:.0}/s"),
        _ if value < 10.0 => format!("{value:.1}"),
        _ => format!("{value:.0}"),
    }
}

fn register_font() -> Result<(), String> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = std::fs::read(FONT)
            .map_err(|e| format!("cannot read {FONT}: {e} (Debian package fonts-dejavu-core)"))
            .and_then(|bytes| {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
                    .map_err(|_| format!("{FONT} is not a usable font"))
            });
    });
    result
}

/// Draws `panels` into a PNG at `path`; x is seconds since `start`. Returns the
/// picture's size.
pub fn draw(
    path: &Path,
    panels: &[(&Panel, Vec<Series>)],
    start: f64,
) -> Result<(u32, u32), Box<dyn Error>> {
    register_font()?;
    let rows = panels.len().div_ceil(COLUMNS);
    let size = (
        PANEL_WIDTH * COLUMNS as u32,
        HEADER + PANEL_HEIGHT * rows as u32,
    );
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(HEADER);
    header.draw_text(
        "newsflow: the Grafana dashboard's main panels, from a real Prometheus scraping lang, dedup and tag (tests/observability.rs)",
        &("sans-serif", 20).into_font().color(&BLACK),
        (16, 18),
    )?;
    let areas = body.split_evenly((rows, COLUMNS));
    for (area, (panel, series)) in areas.iter().zip(panels) {
        draw_panel(area, panel, series, start)?;
    }
    root.present()?;
    Ok(size)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    panel: &Panel,
    series: &[Series],
    start: f64,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let peak = |s: &Series| {
        s.points
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max)
    };
    let mut shown: Vec<&Series> = series.iter().collect();
    // Biggest first; drop all-zero lines when something else moves.
    shown.sort_by(|a, b| peak(b).total_cmp(&peak(a)));
    if shown.iter().any(|s| peak(s) > 0.0) {
        shown.retain(|s| peak(s) > 0.0);
    }
    shown.truncate(MAX_SERIES);
    let x_max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0 - start))
        .fold(1.0_f64, f64::max);
    let y_max = shown.iter().map(|s| peak(s)).fold(0.0_f64, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.15 } else { 1.0 };

    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 17))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
    let unit = panel.unit.clone();
    chart
        .configure_mesh()
        .x_desc("seconds")
        .x_labels(6)
        .y_labels(5)
        .y_label_formatter(&|v| axis_label(&unit, *v))
        .label_style(("sans-serif", 12))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (index, line) in shown.iter().enumerate() {
        let color = Palette99::pick(index).to_rgba();
        // NaN (no defined value, e.g. a quantile of no events) breaks the line.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for &(time, value) in &line.points {
            if value.is_finite() {
                if let Some(segment) = segments.last_mut() {
                    segment.push((time - start, value));
                }
            } else if segments.last().is_some_and(|s| !s.is_empty()) {
                segments.push(Vec::new());
            }
        }
        let mut labelled = false;
        for segment in segments.into_iter().filter(|s| !s.is_empty()) {
            let drawn = chart.draw_series(LineSeries::new(segment, color.stroke_width(2)))?;
            if !labelled {
                drawn.label(line.name.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
                labelled = true;
            }
        }
    }
    if shown.is_empty() {
        area.draw_text(
            "no data",
            &("sans-serif", 16).into_font().color(&RED),
            (260, 160),
        )?;
    } else {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 11))
            .draw()?;
    }
    Ok(())
}
