//! The dashboard as a whole: the tab bar, the "Disconnected — retrying" banner, the selected tab, and the
//! `eframe::App` that wires a [`Connection`] and the window/document title to it.
//!
//! App-wide behaviour lives here too: Ctrl+1…4 switch tabs, the theme follows the system's dark/light setting, and
//! the selected tab and the peers table's sort are persisted with eframe's storage ([`UiPrefs`]).
//!
//! [`Dashboard`] is the testable view (state + selected tab, no I/O); [`DashboardApp`] adds the network and the
//! title and is what the native and web mains run.

use egui::{Color32, Key, Modifiers, RichText};
use serde::{Deserialize, Serialize};

use crate::connection::{Connection, now_s};
use crate::health::peers::PeerSort;
use crate::resources::charts::TimeRange;
use crate::resources::history_loader::HistoryLoader;
use crate::state::{ConnectionStatus, DashboardState};
use crate::{alerts, format, game, health, resources};

/// Text of the banner shown while the connection is lost.
pub const DISCONNECTED_BANNER: &str = "Disconnected — retrying";

/// The dashboard's tabs, in tab-bar order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    #[default]
    Health,
    Game,
    Resources,
    Alerts,
}

impl Tab {
    /// Every tab, in tab-bar order.
    pub const ALL: [Self; 4] = [Self::Health, Self::Game, Self::Resources, Self::Alerts];

    /// The tab's label in the tab bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Health => "Health",
            Self::Game => "Game",
            Self::Resources => "Resources",
            Self::Alerts => "Alerts",
        }
    }

    /// The tab of the keyboard shortcut Ctrl+`key` (Ctrl+1 … Ctrl+4, in tab-bar order).
    pub fn for_key(key: Key) -> Option<Self> {
        match key {
            Key::Num1 => Some(Self::Health),
            Key::Num2 => Some(Self::Game),
            Key::Num3 => Some(Self::Resources),
            Key::Num4 => Some(Self::Alerts),
            _ => None,
        }
    }
}

/// The UI state kept between runs (eframe storage, under [`eframe::APP_KEY`]). Every field has a default, so an
/// older or newer stored value still loads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiPrefs {
    /// The tab shown last.
    pub tab: Tab,
    /// How the Health tab's peers table was sorted.
    pub peer_sort: PeerSort,
    /// The Resources tab's time range and y scale.
    pub resources: resources::ResourcesView,
}

/// The dashboard view: the data it draws and the tab it shows.
#[derive(Clone, Debug)]
pub struct Dashboard {
    pub state: DashboardState,
    pub tab: Tab,
    /// What the Game tab's forms hold between frames.
    pub game: game::GameForm,
    /// What the Alerts tab (silence minutes, rule editor) holds between frames.
    pub alerts: alerts::AlertsForm,
    /// How the Health tab's peers table is sorted (persisted in [`UiPrefs`]).
    pub peer_sort: PeerSort,
    /// The Resources tab's time range and y scale.
    pub resources: resources::ResourcesView,
    /// Whether the panels paint their own background. The eframe app turns it off and has the renderer clear the
    /// frame to the panel colour instead ([`DashboardApp`]'s `clear_color`): on a software renderer, shading a
    /// window-sized fill was about half of an idle frame's CPU.
    pub fill_panels: bool,
}

impl Dashboard {
    /// A dashboard showing `state` on the Health tab.
    pub fn new(state: DashboardState) -> Self {
        Self {
            state,
            tab: Tab::default(),
            game: game::GameForm::default(),
            alerts: alerts::AlertsForm::default(),
            peer_sort: PeerSort::default(),
            resources: resources::ResourcesView::default(),
            fill_panels: true,
        }
    }

    /// Draws the whole dashboard into `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.tab_shortcuts(ui);
        let top = self.panel_frame(egui::Frame::side_top_panel(ui.style()));
        let central = self.panel_frame(egui::Frame::central_panel(ui.style()));
        egui::Panel::top("tab_bar").frame(top).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("BitCraps");
                ui.separator();
                for tab in Tab::ALL {
                    ui.selectable_value(&mut self.tab, tab, tab.label());
                }
            });
        });
        if let Some(problem) = banner_text(&self.state) {
            egui::Panel::top("status_banner").frame(top).show(ui, |ui| banner(ui, &problem));
        }
        egui::CentralPanel::default().frame(central).show(ui, |ui| match self.tab {
            Tab::Health => health::show(ui, &self.state, &mut self.peer_sort),
            Tab::Game => game::show(ui, &mut self.state, &mut self.game),
            Tab::Resources => resources::show(ui, &self.state, &mut self.resources),
            Tab::Alerts => alerts::show(ui, &mut self.state, &mut self.alerts),
        });
    }

    /// A panel's frame, without its fill when the renderer's clear paints the background.
    fn panel_frame(&self, frame: egui::Frame) -> egui::Frame {
        if self.fill_panels { frame } else { frame.fill(egui::Color32::TRANSPARENT) }
    }

    /// Ctrl+1 … Ctrl+4 (Cmd on macOS) select the tabs in tab-bar order.
    fn tab_shortcuts(&mut self, ui: &egui::Ui) {
        let keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4];
        let pressed = ui.input_mut(|input| keys.into_iter().find(|key| input.consume_key(Modifiers::COMMAND, *key)));
        if let Some(tab) = pressed.and_then(Tab::for_key) {
            self.tab = tab;
        }
    }
}

/// What the banner says, if anything needs saying: a lost connection, a stopping node, a node error.
struct Problem {
    headline: Option<&'static str>,
    details: Vec<String>,
}

fn banner_text(state: &DashboardState) -> Option<Problem> {
    let mut details = Vec::new();
    let headline = match &state.connection {
        ConnectionStatus::Disconnected { reason } => {
            details.push(if state.node_stopping {
                format!("{reason}.")
            } else {
                format!("{reason}. Showing the last data received; missed events replay on reconnect.")
            });
            Some(DISCONNECTED_BANNER)
        }
        _ => None,
    };
    if state.node_stopping {
        details.push(if headline.is_some() {
            "The node shut down; the dashboard reconnects when it starts again.".to_owned()
        } else {
            "The node is stopping.".to_owned()
        });
    }
    if let Some(error) = &state.last_error {
        details.push(format!("Node error: {error}"));
    }
    (headline.is_some() || !details.is_empty()).then_some(Problem { headline, details })
}

fn banner(ui: &mut egui::Ui, problem: &Problem) {
    let fill = if problem.headline.is_some() {
        Color32::from_rgb(0x8b, 0x1e, 0x1e)
    } else {
        Color32::from_rgb(0x7a, 0x5a, 0x10)
    };
    egui::Frame::new().fill(fill).inner_margin(egui::Margin::symmetric(8, 6)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if let Some(headline) = problem.headline {
            ui.label(RichText::new(headline).strong().color(Color32::WHITE));
        }
        for line in &problem.details {
            ui.label(RichText::new(line).color(Color32::WHITE));
        }
    });
}

/// The window (native) or document (web) title: the connection's title and, while connected and seated at a table,
/// ` · table <short id> · <chips> chips` with this node's chips at that table (the first one it sits at). Scripts and
/// end-to-end tests read the balance from it.
pub fn window_title(state: &DashboardState) -> String {
    let title = state.window_title();
    if !matches!(state.connection, ConnectionStatus::Open) {
        return title;
    }
    let Some(snapshot) = &state.snapshot else { return title };
    let node_id = &snapshot.node.node_id;
    let seat = snapshot.game.tables.iter().filter(|t| t.joined).find_map(|table| {
        table.players.iter().find(|p| &p.node_id == node_id).map(|seat| (&table.table_id, seat.balance))
    });
    match seat {
        Some((table_id, chips)) => format!("{title} · table {} · {chips} chips", format::short_id(table_id)),
        None => title,
    }
}

/// Keeps the window (native) or document (web) title in step with the state, touching it only on change.
#[derive(Debug, Default)]
pub struct TitleSync {
    current: Option<String>,
}

impl TitleSync {
    /// Sets the title to `title` if it differs from the last one set.
    pub fn update(&mut self, ctx: &egui::Context, title: String) {
        if self.current.as_deref() == Some(title.as_str()) {
            return;
        }
        set_title(ctx, &title);
        self.current = Some(title);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn set_title(ctx: &egui::Context, title: &str) {
    ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.to_owned()));
}

#[cfg(target_arch = "wasm32")]
fn set_title(_ctx: &egui::Context, title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// The eframe application: a [`Dashboard`] fed by a [`Connection`].
pub struct DashboardApp {
    dashboard: Dashboard,
    connection: Option<Connection>,
    history: HistoryLoader,
    title: TitleSync,
}

impl DashboardApp {
    /// An app fed by `connection`, or, without one, only showing `problem` (e.g. a missing token).
    pub fn new(connection: Option<Connection>, problem: Option<String>) -> Self {
        let mut state = DashboardState::new(connection.as_ref().map(|c| c.api_url().to_owned()).unwrap_or_default());
        if connection.is_none() {
            state.connection = ConnectionStatus::Idle;
        }
        state.last_error = problem;
        Self {
            dashboard: Dashboard { fill_panels: false, ..Dashboard::new(state) },
            connection,
            history: HistoryLoader::default(),
            title: TitleSync::default(),
        }
    }

    /// The same app opening on `tab`.
    pub fn with_tab(mut self, tab: Tab) -> Self {
        self.dashboard.tab = tab;
        self
    }

    /// The same app opening on the Game tab with the Host a table dialog open.
    pub fn with_host_dialog(mut self) -> Self {
        self.dashboard.tab = Tab::Game;
        self.dashboard.game.host.open = true;
        self
    }

    /// Whether the Host a table dialog is open.
    pub fn host_dialog_open(&self) -> bool {
        self.dashboard.game.host.open
    }

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.dashboard.tab
    }

    /// The same app with the UI state of the last run restored from `storage` (absent or unreadable: defaults).
    pub fn restored(mut self, storage: Option<&dyn eframe::Storage>) -> Self {
        let prefs: UiPrefs = storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        self.dashboard.tab = prefs.tab;
        self.dashboard.peer_sort = prefs.peer_sort;
        self.dashboard.resources = prefs.resources;
        self
    }

    /// Start-up in eframe's creator: the theme follows the system, and the last run's UI state is restored.
    pub fn started(self, cc: &eframe::CreationContext<'_>) -> Self {
        cc.egui_ctx.set_theme(egui::ThemePreference::System);
        self.restored(cc.storage)
    }
}

impl eframe::App for DashboardApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(connection) = self.connection.as_mut() {
            connection.poll(ctx, &mut self.dashboard.state);
            let wanted = self.dashboard.tab == Tab::Resources && self.dashboard.resources.range == TimeRange::Hour;
            let config = connection.config();
            self.history.poll(ctx, now_s(), config, &mut self.dashboard.state, wanted);
        }
        self.title.update(ctx, window_title(&self.dashboard.state));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.dashboard.show(ui);
    }

    /// The panels' background, painted by the renderer's clear (see [`Dashboard::fill_panels`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let prefs = UiPrefs {
            tab: self.dashboard.tab,
            peer_sort: self.dashboard.peer_sort,
            resources: self.dashboard.resources,
        };
        eframe::set_value(storage, eframe::APP_KEY, &prefs);
    }
}
