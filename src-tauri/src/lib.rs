//! bitcraps-desktop (being built).
