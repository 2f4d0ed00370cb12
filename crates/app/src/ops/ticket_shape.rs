//! The three shapes of a ticket request — one ticket, a batch (one per node), an epic with a child
//! per frame — and the node-count rule of each. An interface that offers them separately (REST v1
//! has a route for each) checks a request here and words the mismatch for its own callers.

use super::tickets::GenerateRequest;

/// The `document_type` that makes a request an epic.
pub const EPIC: &str = "epic";

/// What kind of generation a caller chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketShape {
    /// One ticket: at most one selected node, not an epic.
    One,
    /// One ticket per selected node: at least one, not an epic.
    Batch,
    /// An epic over the selected nodes (default: every top-level frame).
    Epic,
}

/// Why a request does not fit the shape it was sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeMismatch {
    /// An epic sent as one ticket or a batch.
    IsEpic,
    /// Several nodes sent as one ticket.
    SeveralNodes,
    /// No node sent as a batch.
    NoNodes,
}

impl TicketShape {
    /// Fits `request` to this shape: an epic gets `document_type = epic` whatever it said; the
    /// others are refused when the request is an epic or selects the wrong number of nodes.
    pub fn apply(self, request: &mut GenerateRequest) -> Result<(), ShapeMismatch> {
        if self == Self::Epic {
            request.document_type = EPIC.to_owned();
            return Ok(());
        }
        if request.document_type.trim().eq_ignore_ascii_case(EPIC) {
            return Err(ShapeMismatch::IsEpic);
        }
        // A link that does not parse is reported by loading it, not here.
        let Some(nodes) = selected_nodes(request) else {
            return Ok(());
        };
        match (self, nodes) {
            (Self::One, n) if n > 1 => Err(ShapeMismatch::SeveralNodes),
            (Self::Batch, 0) => Err(ShapeMismatch::NoNodes),
            _ => Ok(()),
        }
    }
}

/// The request's `node_ids`, else the nodes its design source selects.
fn selected_nodes(request: &GenerateRequest) -> Option<usize> {
    if request.node_ids.is_empty() {
        request.source.selected_node_count()
    } else {
        Some(request.node_ids.len())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn request(json: serde_json::Value) -> GenerateRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn each_shape_takes_its_node_counts() {
        let link = "https://www.figma.com/design/AbCdEf1234567890/X";
        let none = || request(serde_json::json!({"url": link}));
        let one = || request(serde_json::json!({"url": format!("{link}?node-id=1-2")}));
        let two = || request(serde_json::json!({"file_key": "abc", "node_ids": ["1:2", "3:4"]}));
        let listed = || request(serde_json::json!({"url": link, "node_ids": ["1:2", "3:4"]}));
        for (shape, mut request, expected) in [
            (TicketShape::One, none(), Ok(())),
            (TicketShape::One, one(), Ok(())),
            (TicketShape::One, two(), Err(ShapeMismatch::SeveralNodes)),
            (TicketShape::One, listed(), Err(ShapeMismatch::SeveralNodes)),
            (TicketShape::Batch, none(), Err(ShapeMismatch::NoNodes)),
            (TicketShape::Batch, one(), Ok(())),
            (TicketShape::Batch, listed(), Ok(())),
            (TicketShape::Epic, two(), Ok(())),
        ] {
            assert_eq!(shape.apply(&mut request), expected, "{shape:?} {request:?}");
        }
        let bad_link = || request(serde_json::json!({"url": "not a link"}));
        assert_eq!(TicketShape::Batch.apply(&mut bad_link()), Ok(()));
    }

    #[test]
    fn an_epic_is_its_own_shape() {
        let link = "https://www.figma.com/design/AbCdEf1234567890/X";
        let mut epic = request(serde_json::json!({"url": link, "document_type": " Epic "}));
        assert_eq!(
            TicketShape::One.apply(&mut epic.clone()),
            Err(ShapeMismatch::IsEpic)
        );
        assert_eq!(
            TicketShape::Batch.apply(&mut epic.clone()),
            Err(ShapeMismatch::IsEpic)
        );
        let mut story = request(serde_json::json!({"url": link, "document_type": "story"}));
        assert_eq!(TicketShape::Epic.apply(&mut story), Ok(()));
        assert_eq!(story.document_type, EPIC);
        assert_eq!(TicketShape::Epic.apply(&mut epic), Ok(()));
    }
}
