//! Tauri's build step: validates tauri.conf.json and embeds the app context.
fn main() {
    tauri_build::build();
}
