//! The operations every interface (REST v1, the legacy contract, MCP, the CLI) calls. Each takes the
//! caller's [`Identity`](handoff_store::Identity) first; isolation is the store's, so an operation
//! can only ever see the caller's own records.

pub mod analysis;
pub mod context;
pub mod design;
pub mod legacy;
pub mod records;
pub mod screenshots;
pub mod sessions;
pub mod settings;
mod sourced;
pub mod templates;
pub mod ticket_shape;
pub mod tickets;

pub use analysis::{AnalysisOutput, AnalyzeRequest, ReportKind};
pub use context::{DesignContextOutput, DesignContextRequest};
pub use design::{DesignSource, LoadedDesign};
pub use sessions::SessionView;
pub use tickets::{GenerateRequest, GeneratedTickets, RenderedTicket};
