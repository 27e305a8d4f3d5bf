//! The year-end report's model (issue 7). So far: the helpers that write figures the way a
//! Chinese work report does — see [`phrase`].

pub mod phrase;
