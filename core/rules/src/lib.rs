//! bitcraps-rules (being built).
