//! Integration tests of the mesh crate: real LAN links over loopback and the mesh router above them, in one
//! test binary.
// Tests fail loudly on any unexpected error; unwrap/expect are the point there.
#![allow(clippy::unwrap_used)]

mod mesh;
mod net_lan;
