//! The wire format's integration tests (one binary, as the design notes ask): round trips of every variant,
//! refusals with their exact errors, properties over arbitrary input, framing, measured sizes, and the fuzz seed
//! corpus generator (`#[ignore]`d).

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod corpus;
mod fixtures;
mod frames;
mod props;
mod refusals;
mod roundtrip;
mod sizes;
