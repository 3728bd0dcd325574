//! bitcraps-ui (being built).
