//! The mesh's statistics: Prometheus histograms and counters, and the same figures for the snapshot.
