//! xtask (being built).
