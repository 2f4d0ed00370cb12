//! Design analysis over the parsed Figma model: project statistics, design tokens, compliance,
//! design health, effort and relationships. Pure: no I/O.

pub mod colour;
pub mod effort;
pub mod score;
