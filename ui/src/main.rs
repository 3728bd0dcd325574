//! `bitcraps-dashboard`: the native dashboard window, or, built for wasm32, the dashboard in a web page.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> anyhow::Result<()> {
    use clap::Parser as _;

    let cli = bitcraps_ui::native::Cli::parse();
    bitcraps_ui::native::run(&cli, std::env::var(bitcraps_api::TOKEN_ENV).ok())
}

#[cfg(target_arch = "wasm32")]
fn main() {
    bitcraps_ui::web::start();
}
