//! The playground's plots, drawn on any plotters backend: a canvas in the
//! page, SVG or bitmaps elsewhere.
//!
//! Every size is in CSS pixels multiplied by [`Style::scale`], so a caller
//! that sizes its backend by the device pixel ratio gets crisp plots.

mod best_rate;
pub mod export;
mod probe;

pub use best_rate::{BestRateData, RateSeries, describe_fit, draw_best_rate_vs_depth};
use lrdepth_core::{RunResult, best_rates};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
pub use probe::{draw_probe_profile, draw_probe_vs_depth};

/// Result of a drawing call on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Share of the viridis map in use; its last part is too pale on white.
const COLOUR_MAP_SPAN: f64 = 0.85;

/// Start of the viridis map on a dark background, whose first part (deep
/// purple) would vanish against it.
const DARK_MAP_START: f64 = 0.25;

/// Colours and sizes of a plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Backend pixels per CSS pixel (the device pixel ratio in the page).
    pub scale: f64,
    /// Light text on a dark background.
    pub dark: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            scale: 1.0,
            dark: false,
        }
    }
}

impl Style {
    pub(crate) fn px(&self, css_pixels: f64) -> u32 {
        (css_pixels * self.scale).round().max(1.0) as u32
    }

    pub fn background(&self) -> RGBColor {
        if self.dark {
            RGBColor(24, 26, 31)
        } else {
            WHITE
        }
    }

    pub fn foreground(&self) -> RGBColor {
        if self.dark {
            RGBColor(225, 228, 234)
        } else {
            RGBColor(33, 37, 41)
        }
    }

    pub(crate) fn grid(&self) -> RGBColor {
        if self.dark {
            RGBColor(60, 64, 72)
        } else {
            RGBColor(226, 229, 233)
        }
    }

    /// Returns the colour of series `idx` out of `count` ordered series:
    /// [`series_colour`] on a light background, and the lighter part of
    /// viridis, dark purple left out, on a dark one.
    pub fn series_colour(&self, idx: usize, count: usize) -> RGBColor {
        if !self.dark {
            return series_colour(idx, count);
        }
        let share = if count <= 1 {
            0.0
        } else {
            idx as f64 / (count - 1) as f64
        };
        ViridisRGB::get_color(DARK_MAP_START + (1.0 - DARK_MAP_START) * share)
    }

    pub(crate) fn font(&self, css_pixels: f64) -> TextStyle<'static> {
        ("sans-serif", css_pixels * self.scale)
            .into_font()
            .color(&self.foreground())
    }
}

/// Returns the colour of series `idx` out of `count` ordered series (η0
/// values or depths): viridis, dark for the smallest value, which stays
/// readable for the common forms of colour blindness.
pub fn series_colour(idx: usize, count: usize) -> RGBColor {
    let t = if count <= 1 {
        0.0
    } else {
        COLOUR_MAP_SPAN * idx as f64 / (count - 1) as f64
    };
    ViridisRGB::get_color(t)
}

/// Marker of a series' points, cycling through four shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MarkerShape {
    Disc,
    Triangle,
    Square,
    /// Not a ring, which would look like the ring around each best η0.
    Diamond,
}

impl MarkerShape {
    fn of_series(idx: usize) -> MarkerShape {
        [
            MarkerShape::Disc,
            MarkerShape::Triangle,
            MarkerShape::Square,
            MarkerShape::Diamond,
        ][idx % 4]
    }
}

/// Corners of a diamond marker around (0, 0), `size` pixels from centre to tip.
fn diamond(size: u32) -> [(i32, i32); 4] {
    let tip = size as i32 + size as i32 / 3;
    [(0, -tip), (tip, 0), (0, tip), (-tip, 0)]
}

/// Input of the plots: the finished runs and the sweep grid they belong to.
#[derive(Clone, Copy, Debug)]
pub struct PlotData<'a> {
    pub results: &'a [RunResult],
    /// Every depth of the sweep, increasing.
    pub depths: &'a [usize],
    /// Every η0 of the sweep, increasing.
    pub eta0s: &'a [f64],
}

impl PlotData<'_> {
    /// Range of the finite final losses, or a unit range when there are none.
    fn loss_range(&self) -> (f64, f64) {
        let finite = self
            .results
            .iter()
            .filter(|r| !r.diverged && r.final_loss.is_finite() && r.final_loss > 0.0)
            .map(|r| r.final_loss);
        let (lo, hi) = finite.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if lo.is_finite() {
            (lo, hi)
        } else {
            (1e-3, 1.0)
        }
    }

    fn diverged_count(&self) -> usize {
        self.results.iter().filter(|r| r.diverged).count()
    }
}

/// Loss axis: the finite losses with some room, plus a band at the top
/// where diverged runs are drawn. Returns (axis range, lower edge of the band).
fn loss_axis(data: &PlotData) -> ((f64, f64), f64) {
    let (lo, hi) = data.loss_range();
    // Span at least a decade below the band, so that the axis always has
    // labelled ticks near the data.
    let lo = lo.min(hi / 10.0);
    ((lo / 2.0, hi * 6.0), hi * 1.8)
}

pub(crate) fn format_eta(eta: f64) -> String {
    // 0.01 built as exp(ln(0.01)) can fall just below 0.01.
    if (0.009995..1e3).contains(&eta) {
        let text = format!("{eta:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{eta:.1e}")
    }
}

fn format_loss(loss: &f64) -> String {
    if (1e-2..1e3).contains(loss) {
        format_eta(*loss)
    } else {
        format!("{loss:.0e}")
    }
}

/// Splits the runs of one curve (sorted by x) into runs of consecutive
/// finite points, so lines never cross a diverged run.
fn finite_segments(points: &[(f64, &RunResult)]) -> Vec<Vec<(f64, f64)>> {
    let mut segments = vec![Vec::new()];
    for (x, run) in points {
        if run.diverged {
            segments.push(Vec::new());
        } else if let Some(segment) = segments.last_mut() {
            segment.push((*x, run.final_loss));
        }
    }
    segments.retain(|s| !s.is_empty());
    segments
}

/// Draws plot 1: final loss against depth, one curve per η0, diverged runs
/// as crosses in the band at the top.
pub fn draw_loss_vs_depth<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &PlotData,
    style: &Style,
) -> DrawResult<DB> {
    let series: Vec<(String, Vec<(f64, &RunResult)>)> = data
        .eta0s
        .iter()
        .map(|&eta| {
            let mut points: Vec<(f64, &RunResult)> = data
                .results
                .iter()
                .filter(|r| r.eta0 == eta)
                .map(|r| (r.depth as f64, r))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (format!("η0 = {}", format_eta(eta)), points)
        })
        .collect();
    let (lo, hi) = extent(data.depths.iter().map(|&d| d as f64));
    draw_chart(
        root,
        data,
        style,
        ChartText {
            title: "Final loss against depth",
            x_desc: "depth L (hidden layers)",
            x_format: &|x: &f64| format!("{x:.0}"),
            x_ticks: data.depths.iter().map(|&d| d as f64).collect(),
        },
        (lo / 1.25, hi * 1.25),
        &series,
        false,
    )
}

/// Draws plot 2: final loss against η0, one curve per depth, with each
/// curve's grid minimum ringed.
pub fn draw_loss_vs_rate<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &PlotData,
    style: &Style,
) -> DrawResult<DB> {
    let series: Vec<(String, Vec<(f64, &RunResult)>)> = data
        .depths
        .iter()
        .map(|&depth| {
            let mut points: Vec<(f64, &RunResult)> = data
                .results
                .iter()
                .filter(|r| r.depth == depth)
                .map(|r| (r.eta0, r))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (format!("L = {depth}"), points)
        })
        .collect();
    let (lo, hi) = extent(data.eta0s.iter().copied());
    draw_chart(
        root,
        data,
        style,
        ChartText {
            title: "Final loss against η0",
            x_desc: "base learning rate η0",
            x_format: &|x: &f64| format_eta(*x),
            // Every second rate when a label per rate would crowd the axis.
            x_ticks: data
                .eta0s
                .iter()
                .step_by(data.eta0s.len().div_ceil(MAX_RATE_TICKS).max(1))
                .copied()
                .collect(),
        },
        (lo / 1.6, hi * 1.6),
        &series,
        true,
    )
}

fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (1.0, 10.0)
    }
}

/// Rate ticks on the η0 axis, at most.
const MAX_RATE_TICKS: usize = 8;

struct ChartText<'a> {
    title: &'a str,
    x_desc: &'a str,
    x_format: &'a dyn Fn(&f64) -> String,
    /// Ticks on the x axis: the sweep's own depths or rates.
    x_ticks: Vec<f64>,
}

fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &PlotData,
    style: &Style,
    text: ChartText,
    x_range: (f64, f64),
    series: &[(String, Vec<(f64, &RunResult)>)],
    mark_minima: bool,
) -> DrawResult<DB> {
    #[cfg(all(feature = "bundled-font", not(target_arch = "wasm32")))]
    register_bundled_font();
    root.fill(&style.background())?;
    let (width, _) = root.dim_in_pixel();
    let legend_width = style.px(LEGEND_WIDTH).min(width / 3);
    let (plot_area, legend_area) = root.split_horizontally(width - legend_width);
    let ((y_lo, y_hi), band_edge) = loss_axis(data);

    let mut chart = ChartBuilder::on(&plot_area)
        .caption(text.title, style.font(17.0))
        .margin(style.px(12.0))
        .margin_right(style.px(4.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(58.0))
        .build_cartesian_2d(
            (x_range.0..x_range.1)
                .log_scale()
                .with_key_points(text.x_ticks.clone()),
            (y_lo..y_hi).log_scale(),
        )?;

    style_mesh(
        chart
            .configure_mesh()
            .x_desc(text.x_desc)
            .y_desc("final loss")
            .x_label_formatter(text.x_format)
            .y_label_formatter(&format_loss),
        style,
    )
    .draw()?;

    // The band above the finite losses, where diverged runs sit.
    if data.diverged_count() > 0 {
        let band = [(x_range.0, band_edge), (x_range.1, y_hi)];
        chart.draw_series(std::iter::once(Rectangle::new(
            band,
            style.grid().mix(0.6).filled(),
        )))?;
    }

    let count = series.len();
    let line_width = style.px(2.0);
    let marker = style.px(3.5);
    for (idx, (_, points)) in series.iter().enumerate() {
        let colour = style.series_colour(idx, count);
        for segment in finite_segments(points) {
            chart.draw_series(LineSeries::new(
                segment.iter().copied(),
                colour.stroke_width(line_width),
            ))?;
            // A shape per series, so that curves differ without colour too.
            let points = segment.iter().copied();
            match MarkerShape::of_series(idx) {
                MarkerShape::Disc => {
                    chart.draw_series(points.map(|p| Circle::new(p, marker, colour.filled())))?
                }
                MarkerShape::Triangle => {
                    chart
                        .draw_series(points.map(|p| {
                            TriangleMarker::new(p, marker + marker / 3, colour.filled())
                        }))?
                }
                MarkerShape::Square => chart.draw_series(points.map(|p| {
                    let half = marker as i32;
                    EmptyElement::at(p)
                        + Rectangle::new([(-half, -half), (half, half)], colour.filled())
                }))?,
                MarkerShape::Diamond => chart.draw_series(points.map(|p| {
                    EmptyElement::at(p) + Polygon::new(diamond(marker), colour.filled())
                }))?,
            };
        }
        // Each curve gets its own height in the band, so crosses of
        // different curves at the same x stay apart.
        let share = (idx as f64 + 0.5) / count.max(1) as f64;
        let cross_y = band_edge * (y_hi / band_edge).powf(0.15 + 0.6 * share);
        chart.draw_series(points.iter().filter(|(_, r)| r.diverged).map(|&(x, _)| {
            Cross::new((x, cross_y), style.px(4.5), colour.stroke_width(line_width))
        }))?;
    }

    if mark_minima {
        let ring = style.px(8.0);
        for best in best_rates(data.results) {
            let idx = data
                .depths
                .iter()
                .position(|&d| d == best.depth)
                .unwrap_or(0);
            let colour = style.series_colour(idx, count);
            chart.draw_series(std::iter::once(Circle::new(
                (best.grid_eta0, best.grid_loss),
                ring,
                colour.stroke_width(style.px(2.0)),
            )))?;
        }
    }

    if data.results.is_empty() {
        let (w, h) = plot_area.dim_in_pixel();
        plot_area.draw(&Text::new(
            "No runs yet: press Run",
            ((w / 2) as i32 - style.px(70.0) as i32, (h / 2) as i32),
            style.font(14.0),
        ))?;
    }
    draw_legend(&legend_area, style, series, mark_minima)?;
    root.present()
}

/// Registers DejaVu Sans (see `fonts/README.md`) as the "sans-serif" family
/// of plotters' `ab_glyph` text layout, once per process.
#[cfg(all(feature = "bundled-font", not(target_arch = "wasm32")))]
pub(crate) fn register_bundled_font() {
    static REGISTER: std::sync::Once = std::sync::Once::new();
    REGISTER.call_once(|| {
        const DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
        // The bytes are a fixed, valid TrueType file, so parsing cannot fail
        // at run time unless the file in the repository is replaced.
        if plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_err() {
            panic!("fonts/DejaVuSans.ttf is not a valid TrueType font");
        }
    });
}

/// Applies the shared look of every plot's axes and grid: fonts, axis
/// colour, bold grid lines only.
pub(crate) fn style_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    style: &Style,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.label_style(style.font(12.0))
        .axis_desc_style(style.font(13.0))
        .axis_style(style.foreground().stroke_width(style.px(1.0)))
        .bold_line_style(style.grid().stroke_width(style.px(1.0)))
        .light_line_style(TRANSPARENT)
}

/// Legend strip width, in CSS pixels.
pub(crate) const LEGEND_WIDTH: f64 = 96.0;

/// Draws the legend in its own strip beside the chart, so it never hides data.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    series: &[(String, Vec<(f64, &RunResult)>)],
    mark_minima: bool,
) -> DrawResult<DB> {
    let row = style.px(18.0) as i32;
    let left = style.px(4.0) as i32;
    let swatch = style.px(16.0) as i32;
    let mut y = style.px(44.0) as i32;
    let count = series.len();
    let font = style.font(11.5);
    for (idx, (label, _)) in series.iter().enumerate() {
        let colour = style.series_colour(idx, count);
        area.draw(&PathElement::new(
            [(left, y), (left + swatch, y)],
            colour.stroke_width(style.px(2.5)),
        ))?;
        let centre = (left + swatch / 2, y);
        let marker = style.px(3.5);
        match MarkerShape::of_series(idx) {
            MarkerShape::Disc => area.draw(&Circle::new(centre, marker, colour.filled()))?,
            MarkerShape::Triangle => area.draw(&TriangleMarker::new(
                centre,
                marker + marker / 3,
                colour.filled(),
            ))?,
            MarkerShape::Square => {
                let half = marker as i32;
                area.draw(&Rectangle::new(
                    [(centre.0 - half, y - half), (centre.0 + half, y + half)],
                    colour.filled(),
                ))?
            }
            MarkerShape::Diamond => {
                let corners = diamond(marker).map(|(x, y)| (centre.0 + x, centre.1 + y));
                area.draw(&Polygon::new(corners, colour.filled()))?
            }
        }
        area.draw(&Text::new(
            label.as_str(),
            (left + swatch + style.px(5.0) as i32, y - row / 3),
            font.clone(),
        ))?;
        y += row;
    }
    y += row / 2;
    let fg = style.foreground();
    area.draw(&Cross::new(
        (left + swatch / 2, y),
        style.px(4.5),
        fg.stroke_width(style.px(2.0)),
    ))?;
    area.draw(&Text::new(
        "diverged",
        (left + swatch + style.px(5.0) as i32, y - row / 3),
        font.clone(),
    ))?;
    if mark_minima {
        y += row;
        area.draw(&Circle::new(
            (left + swatch / 2, y),
            style.px(7.0),
            fg.stroke_width(style.px(2.0)),
        ))?;
        area.draw(&Text::new(
            "best η0",
            (left + swatch + style.px(5.0) as i32, y - row / 3),
            font,
        ))?;
    }
    Ok(())
}
