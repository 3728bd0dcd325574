//! How the dashboard's plots sit on the page: on the panel's own background, outlined, legend at the top left.
//!
//! egui_plot's default background fills every plot with a darker colour. A frame's pixels cost CPU on a software
//! renderer (and a GPU-less machine rasterises every repaint on the CPU): with nine filled plots the idle Resources
//! tab took 2.6 % of a core here, without the fills 1.5 % (docs/benchmarks.md §5). The outline keeps each plot's
//! box visible at the price of four thin lines.

use egui_plot::{Corner, Legend, Plot, PlotResponse, PlotUi};

/// Shows `plot` without a background fill and strokes its frame the way egui_plot's background would.
pub fn show_outlined<R>(
    ui: &mut egui::Ui,
    plot: Plot<'_>,
    build: impl FnOnce(&mut PlotUi<'_>) -> R,
) -> PlotResponse<R> {
    let response = plot.show_background(false).show(ui, build);
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
    ui.painter().rect_stroke(*response.transform.frame(), 2, stroke, egui::StrokeKind::Inside);
    response
}

/// A plot's legend, in the top left corner: time runs to the right, so the newest points are at the right edge.
pub fn legend() -> Legend {
    Legend::default().position(Corner::LeftTop)
}
