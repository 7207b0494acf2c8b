//! The per-stage throughput chart: one bar per stage (articles/s one core sustains
//! in that stage) and one for the whole chain, so a reader sees where the time goes.

use std::path::Path;

use anyhow::Context;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use crate::chain::{Summary, STAGES};

/// Fonts tried in turn when `NEWSFLOW_CHART_FONT` is unset (Debian, Fedora, Arch, macOS).
const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
];

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 520;

/// Draws the chart of `summary` as a PNG at `path`.
pub fn draw(path: &Path, summary: &Summary) -> anyhow::Result<()> {
    load_font()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut bars: Vec<(String, f64, f64, f64)> = STAGES
        .iter()
        .zip(&summary.stage_rate)
        .map(|(stage, rate)| (stage.to_string(), rate.median, rate.min, rate.max))
        .collect();
    let chain = summary.articles_per_s_per_core;
    bars.push(("whole chain".into(), chain.median, chain.min, chain.max));
    render(path, summary, &bars)
        .map_err(|error| anyhow::anyhow!("cannot draw {}: {error}", path.display()))
}

type Bar = (String, f64, f64, f64);

fn render(path: &Path, summary: &Summary, bars: &[Bar]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    // A log axis: the stages differ by orders of magnitude, and the slow ones are
    // what a reader needs to see.
    let top = bars.iter().map(|b| b.3).fold(0.0, f64::max).max(10.0) * 3.0;
    let bottom = bars
        .iter()
        .map(|b| b.2)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min)
        .min(top / 10.0)
        / 3.0;
    let caption = format!(
        "newsflow in-process throughput per core ({:.0} B articles, median of {} runs)",
        summary.mean_bytes, summary.runs
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(110)
        .build_cartesian_2d(
            (bottom..top).log_scale(),
            (0..bars.len() - 1).into_segmented(),
        )?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(
            "articles/s on one core, log scale (stage: its busy time; whole chain: wall clock / threads)",
        )
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => bars.get(*i).map(|b| b.0.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(("sans-serif", 15))
        .draw()?;
    let slowest = bars[..bars.len() - 1]
        .iter()
        .enumerate()
        .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
        .map(|(i, _)| i);
    chart.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        let color = if i == bars.len() - 1 {
            RGBColor(90, 90, 90)
        } else if Some(i) == slowest {
            RGBColor(200, 70, 50)
        } else {
            RGBColor(60, 120, 190)
        };
        let mut rect = Rectangle::new(
            [
                (bottom, SegmentValue::Exact(i)),
                (bar.1, SegmentValue::Exact(i + 1)),
            ],
            color.filled(),
        );
        rect.set_margin(8, 8, 0, 0);
        rect
    }))?;
    // The spread over runs, as a whisker across each bar's end.
    chart.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        PathElement::new(
            vec![
                (bar.2, SegmentValue::CenterOf(i)),
                (bar.3, SegmentValue::CenterOf(i)),
            ],
            BLACK.stroke_width(2),
        )
    }))?;
    chart.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        Text::new(
            format!("{:.0}/s", bar.1),
            (bar.3 * 1.08, SegmentValue::CenterOf(i)),
            ("sans-serif", 14).into_font(),
        )
    }))?;
    root.present()?;
    Ok(())
}

fn load_font() -> anyhow::Result<()> {
    let explicit = std::env::var_os("NEWSFLOW_CHART_FONT").map(std::path::PathBuf::from);
    let candidates = explicit
        .iter()
        .cloned()
        .chain(FONT_CANDIDATES.iter().map(std::path::PathBuf::from));
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            // plotters keeps registered fonts for the life of the process.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                return Ok(());
            }
        }
    }
    anyhow::bail!("no TrueType font found for the chart: set NEWSFLOW_CHART_FONT to a .ttf file")
}
