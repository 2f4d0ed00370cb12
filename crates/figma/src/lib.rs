//! Figma REST data model, parsing and design context. Pure: no I/O.
//!
//! # Parsing
//!
//! [`parse_response`] reads the bytes of any Figma response handoff uses and
//! says which it was ([`Response`]); [`parse_design`] accepts only a file
//! (`GET /v1/files/:key`) or nodes (`GET /v1/files/:key/nodes`) response and
//! returns a [`Design`]:
//!
//! ```
//! let json = br#"{"name":"Shop","document":{"id":"0:0","name":"Document","type":"DOCUMENT",
//!   "children":[{"id":"0:1","name":"Page 1","type":"CANVAS","children":[]}]}}"#;
//! let design = handoff_figma::parse_design(json)?;
//! assert_eq!(design.file.name, "Shop");
//! for node in &design.nodes {
//!     // Pre-order: parents before children; `depth`, `parent`, `children` are indices.
//!     println!("{}{} {}", "  ".repeat(node.depth as usize), node.node_type, node.name);
//! }
//! # Ok::<(), handoff_figma::ParseError>(())
//! ```
//!
//! The document is a flat arena in pre-order ([`Design::nodes`]); every walk
//! is a loop over indices, so a tree 10,000 levels deep parses, walks and drops
//! without deep recursion. A nodes response with several ids yields one root
//! per id ([`Design::roots`]). Unknown node types and enum values are kept
//! (`NodeType::Other`), unknown fields are skipped, and errors name the JSON
//! path and byte offset ([`ParseError`]).
//!
//! Attach the `/variables/local` response with [`Design::attach_variables`]
//! so bound variables resolve to names.

pub mod context;
mod fast_hash;
pub mod link;
pub mod model;
pub mod parse;
pub mod plugin;

pub use context::{ContextError, ContextOptions, DesignContext, Format, design_context};
pub use link::{FigmaLink, LinkError, normalize_node_id, parse_figma_url};
pub use model::{Design, DesignSource, Node, NodeIndex, NodeType};
pub use parse::{
    ParseError, Response, parse_design, parse_design_limited, parse_design_with_progress,
    parse_file_meta, parse_image_fills, parse_image_renders, parse_response, parse_variables,
};
pub use plugin::{
    PluginFrame, design_from_plugin_frames, parse_inline_frames, parse_plugin_payload,
};
