//! The one integration-test binary of `bitcraps-rules` (see matklad's "one test binary" habit).

#![allow(clippy::unwrap_used)]

mod edge;
mod errors;
#[cfg(feature = "serde")]
mod persist;
mod props;
mod rules;
mod support;
mod table;
