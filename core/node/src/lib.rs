//! bitcraps-node (being built).
