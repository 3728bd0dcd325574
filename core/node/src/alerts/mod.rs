//! Alerting: its config section ([`config`]), rules ([`rules`], [`defaults`]), the pure engine ([`engine`]) with its bounded series ([`series`]) and
//! notification throttling ([`throttle`]), grouping into desktop notifications ([`notify`]), and the node-side
//! glue that feeds the engine every sampler interval ([`service`]).

pub mod config;
pub mod defaults;
pub mod engine;
pub mod notify;
pub mod rules;
pub mod series;
pub mod service;
pub mod throttle;

#[cfg(test)]
mod mesh_tests;
#[cfg(test)]
mod tests;
