//! Helpers shared by the fuzz targets: the invariants every parsed [`Design`] keeps, and a
//! generator of Figma-like responses (structured input: random bytes almost never make a node
//! tree, let alone one the two-thread parse can split).

use std::fmt::Write;

use arbitrary::Arbitrary;
use handoff_figma::Design;

/// Panics unless `design` is the flat pre-order arena `Design` documents: `nodes[i].index == i`,
/// parents before children with consistent links and depths, each subtree contiguous and
/// directly after its node, roots without parents.
pub fn check_design(design: &Design) {
    let nodes = &design.nodes;
    let count = nodes.len();
    // Where each node's subtree ends (exclusive), computed from the back so no recursion.
    let mut end = vec![0usize; count];
    for i in (0..count).rev() {
        let node = &nodes[i];
        assert_eq!(node.index as usize, i, "index of node {i}");
        let mut next = i + 1;
        for &child in &node.children {
            let child = child as usize;
            assert_eq!(child, next, "node {i}: child out of pre-order place");
            assert!(child < count, "node {i}: child {child} past the arena");
            assert_eq!(nodes[child].parent, Some(i as u32), "parent of {child}");
            assert_eq!(nodes[child].depth, node.depth + 1, "depth of {child}");
            next = end[child];
        }
        end[i] = next;
        match node.parent {
            Some(parent) => assert!((parent as usize) < i, "node {i}: parent after it"),
            None => {
                assert_eq!(node.depth, 0, "root {i} has a depth");
                assert!(
                    design.roots.contains(&(i as u32)),
                    "node {i} has no parent and is not a root"
                );
            }
        }
    }
    let mut next = 0;
    for &root in &design.roots {
        let root = root as usize;
        assert!(root < count, "root {root} past the arena");
        assert_eq!(root, next, "root {root} out of pre-order place");
        assert_eq!(nodes[root].parent, None, "root {root} has a parent");
        next = end[root];
    }
    assert_eq!(next, count, "nodes after the last root's subtree");
}

/// A Figma file or nodes response, as operations that open, close and add nodes (flat, so that
/// a deep tree costs no recursion in `arbitrary`).
#[derive(Debug, Arbitrary)]
pub struct GenResponse {
    pub nodes_response: bool,
    pub pretty: bool,
    pub ops: Vec<Op>,
}

#[derive(Debug, Arbitrary)]
pub enum Op {
    /// A node whose following ops, up to the matching `Close`, are its children.
    Open(GenNode),
    Leaf(GenNode),
    /// Up to 63 copies of a leaf: wide arrays from few input bytes.
    Leaves(u8, GenNode),
    Close,
    /// A `null` array element (children) or a deleted node (nodes response).
    Null,
}

#[derive(Debug, Arbitrary)]
pub struct GenNode {
    pub id: GenId,
    pub name: GenText,
    pub kind: Kind,
    pub props: Vec<Prop>,
    /// Where `id` goes among the fields (0: first, as Figma sends it).
    pub id_at: u8,
    /// Where `children` goes among the fields.
    pub children_at: u8,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum GenId {
    Plain(u16, u16),
    /// `1\u003a2`: the same id, escaped.
    Escaped(u16, u16),
    Instance(u16, u16, u16, u16),
}

#[derive(Debug, Arbitrary)]
pub enum GenText {
    Short(u8),
    /// Text that looks like the structure the split scan looks for.
    Tricky(u8),
    Unicode,
    Any(String),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Kind {
    Frame,
    Text,
    Group,
    Instance,
    Component,
    ComponentSet,
    Rectangle,
    Vector,
    Canvas,
    Section,
    Unknown,
}

#[derive(Debug, Arbitrary)]
pub enum Prop {
    Visible(bool),
    Opacity(u8),
    Fills(Vec<GenPaint>),
    Strokes(Vec<GenPaint>),
    StrokeWeight(u8),
    CornerRadius(u8),
    Bounds(i16, i16, u16, u16),
    LayoutMode(u8),
    Padding(u8, u8),
    ItemSpacing(i8),
    Characters(GenText),
    FontSize(u8),
    ComponentId(GenId),
    ComponentProperty(GenText, bool),
    BoundVariable(GenText),
    Styles(GenText),
    /// Node-like objects in an array that is not `children` (the split scan must not take them).
    Overrides(Vec<GenId>),
    Effects(u8),
    Unknown(u8, i32),
}

#[derive(Debug, Arbitrary)]
pub enum GenPaint {
    Solid(u8, u8, u8, u8),
    Gradient(u8),
    Image(GenText),
    Hidden,
}

fn id_text(id: GenId) -> String {
    match id {
        GenId::Plain(a, b) => format!("{a}:{b}"),
        GenId::Escaped(a, b) => format!("{a}\\u003a{b}"),
        GenId::Instance(a, b, c, d) => format!("I{a}:{b};{c}:{d}"),
    }
}

/// The JSON string literal (quoted, escaped) of a generated text.
fn text(value: &GenText) -> String {
    match value {
        GenText::Short(n) => format!("\"Node {n}\""),
        GenText::Tricky(n) => match n % 4 {
            0 => r#""a \"quoted\" {\"id\":\"9:9\",\"name\":\"x\"} ]""#.to_owned(),
            1 => r#""},{\"id\":\"1:1\",\"type\":\"FRAME\"}]""#.to_owned(),
            2 => r#""back\\slash\\""#.to_owned(),
            _ => r#""[{\"id\":\"2:2\"""#.to_owned(),
        },
        GenText::Unicode => "\"Grüße 😀 \\ud83d\\ude00 \\n\\t\"".to_owned(),
        GenText::Any(text) => serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned()),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Frame => "FRAME",
        Kind::Text => "TEXT",
        Kind::Group => "GROUP",
        Kind::Instance => "INSTANCE",
        Kind::Component => "COMPONENT",
        Kind::ComponentSet => "COMPONENT_SET",
        Kind::Rectangle => "RECTANGLE",
        Kind::Vector => "VECTOR",
        Kind::Canvas => "CANVAS",
        Kind::Section => "SECTION",
        Kind::Unknown => "SOMETHING_NEW",
    }
}

fn paint(paint: &GenPaint) -> String {
    match paint {
        GenPaint::Solid(r, g, b, a) => format!(
            r#"{{"type":"SOLID","color":{{"r":{},"g":{},"b":{},"a":{}}}}}"#,
            f64::from(*r) / 255.0,
            f64::from(*g) / 255.0,
            f64::from(*b) / 255.0,
            f64::from(*a) / 255.0
        ),
        GenPaint::Gradient(n) => format!(
            r#"{{"type":"GRADIENT_LINEAR","gradientStops":[{{"position":0,"color":{{"r":1,"g":0,"b":0,"a":1}}}},{{"position":{},"color":{{"r":0,"g":0,"b":1,"a":1}}}}]}}"#,
            f64::from(*n) / 255.0
        ),
        GenPaint::Image(reference) => {
            format!(
                r#"{{"type":"IMAGE","scaleMode":"FILL","imageRef":{}}}"#,
                text(reference)
            )
        }
        GenPaint::Hidden => {
            r#"{"type":"SOLID","visible":false,"color":{"r":0,"g":0,"b":0,"a":1}}"#.to_owned()
        }
    }
}

fn paints(list: &[GenPaint]) -> String {
    let items: Vec<String> = list.iter().map(paint).collect();
    format!("[{}]", items.join(","))
}

fn prop(prop: &Prop) -> String {
    match prop {
        Prop::Visible(visible) => format!(r#""visible":{visible}"#),
        Prop::Opacity(n) => format!(r#""opacity":{}"#, f64::from(*n) / 255.0),
        Prop::Fills(list) => format!(r#""fills":{}"#, paints(list)),
        Prop::Strokes(list) => format!(r#""strokes":{}"#, paints(list)),
        Prop::StrokeWeight(n) => format!(r#""strokeWeight":{n}"#),
        Prop::CornerRadius(n) => format!(r#""cornerRadius":{n}.5"#),
        Prop::Bounds(x, y, w, h) => {
            format!(r#""absoluteBoundingBox":{{"x":{x},"y":{y},"width":{w},"height":{h}}}"#)
        }
        Prop::LayoutMode(n) => {
            let mode = ["NONE", "HORIZONTAL", "VERTICAL", "GRID"][usize::from(*n % 4)];
            format!(r#""layoutMode":"{mode}","primaryAxisAlignItems":"CENTER""#)
        }
        Prop::Padding(a, b) => format!(r#""paddingLeft":{a},"paddingTop":{b}"#),
        Prop::ItemSpacing(n) => format!(r#""itemSpacing":{n}"#),
        Prop::Characters(value) => format!(r#""characters":{}"#, text(value)),
        Prop::FontSize(n) => format!(
            r#""style":{{"fontFamily":"Inter","fontWeight":400,"fontSize":{n},"lineHeightPx":{}}}"#,
            u32::from(*n) + 4
        ),
        Prop::ComponentId(id) => format!(r#""componentId":"{}""#, id_text(*id)),
        Prop::ComponentProperty(name, on) => format!(
            r#""componentProperties":{{{}:{{"type":"BOOLEAN","value":{on}}}}}"#,
            text(name)
        ),
        Prop::BoundVariable(id) => format!(
            r#""boundVariables":{{"fills":[{{"type":"VARIABLE_ALIAS","id":{}}}]}}"#,
            text(id)
        ),
        Prop::Styles(id) => format!(r#""styles":{{"fill":{}}}"#, text(id)),
        Prop::Overrides(ids) => {
            let items: Vec<String> = ids
                .iter()
                .map(|id| {
                    format!(
                        r#"{{"id":"{}","name":"x","type":"FRAME","overriddenFields":["fills"]}}"#,
                        id_text(*id)
                    )
                })
                .collect();
            format!(r#""overrides":[{}]"#, items.join(","))
        }
        Prop::Effects(n) => format!(
            r#""effects":[{{"type":"DROP_SHADOW","visible":true,"radius":{n},"color":{{"r":0,"g":0,"b":0,"a":0.25}},"offset":{{"x":0,"y":{n}}}}}]"#
        ),
        // A key the parser does not read, never one it does.
        Prop::Unknown(key, value) => format!(r#""x-{key}":{value}"#),
    }
}

/// The generated tree: for each node, its ops index and its children (`None`: a `null` element).
struct Tree<'a> {
    nodes: Vec<(&'a GenNode, Vec<Option<usize>>)>,
    top: Vec<Option<usize>>,
}

/// Depth at which `Open` is read as `Leaf`: the renderer recurses.
const MAX_DEPTH: usize = 64;

fn build(ops: &[Op]) -> Tree<'_> {
    let mut tree = Tree {
        nodes: Vec::new(),
        top: Vec::new(),
    };
    let mut open: Vec<usize> = Vec::new();
    for op in ops {
        let add = |tree: &mut Tree<'_>, open: &[usize], child: Option<usize>| match open.last() {
            Some(&parent) => tree.nodes[parent].1.push(child),
            None => tree.top.push(child),
        };
        match op {
            Op::Open(node) | Op::Leaf(node) => {
                let index = tree.nodes.len();
                tree.nodes.push((node, Vec::new()));
                add(&mut tree, &open, Some(index));
                if matches!(op, Op::Open(_)) && open.len() < MAX_DEPTH {
                    open.push(index);
                }
            }
            Op::Leaves(copies, node) => {
                for _ in 0..copies % 64 {
                    let index = tree.nodes.len();
                    tree.nodes.push((node, Vec::new()));
                    add(&mut tree, &open, Some(index));
                }
            }
            Op::Close => {
                open.pop();
            }
            Op::Null => add(&mut tree, &open, None),
        }
    }
    tree
}

impl GenResponse {
    /// The response's JSON text and how many nodes a parse must find in it.
    pub fn render(&self) -> (String, usize) {
        let tree = build(&self.ops);
        let space = if self.pretty { "\n  " } else { "" };
        let mut out = String::new();
        let mut count = 0;
        if self.nodes_response {
            out.push_str(r#"{"name":"N","lastModified":"2024-01-01T00:00:00Z","nodes":{"#);
            for (position, root) in tree.top.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                    out.push_str(space);
                }
                match root {
                    Some(index) => {
                        let _ = write!(
                            out,
                            r#""{}":{{"document":"#,
                            id_text(tree.nodes[*index].0.id)
                        );
                        render_node(&tree, *index, space, &mut out, &mut count);
                        out.push_str(r#","components":{},"styles":{}}"#);
                    }
                    None => {
                        let _ = write!(out, r#""deleted:{position}":null"#);
                    }
                }
            }
            out.push_str("}}");
        } else {
            out.push_str(r#"{"name":"F","version":"1","document":{"id":"0:0","name":"Document","type":"DOCUMENT","children":["#);
            count += 1;
            render_children(&tree, &tree.top, space, &mut out, &mut count);
            out.push_str(
                r#"]},"components":{"1:1":{"key":"k","name":"C","description":""}},"styles":{"S:1":{"key":"s","name":"Fill","styleType":"FILL"}},"schemaVersion":0}"#,
            );
        }
        (out, count)
    }
}

fn render_children(
    tree: &Tree<'_>,
    children: &[Option<usize>],
    space: &str,
    out: &mut String,
    count: &mut usize,
) {
    for (position, child) in children.iter().enumerate() {
        if position > 0 {
            out.push(',');
            out.push_str(space);
        }
        match child {
            Some(index) => render_node(tree, *index, space, out, count),
            None => out.push_str("null"),
        }
    }
}

fn render_node(tree: &Tree<'_>, index: usize, space: &str, out: &mut String, count: &mut usize) {
    *count += 1;
    let (node, children) = &tree.nodes[index];
    let mut fields = vec![
        format!(r#""name":{}"#, text(&node.name)),
        format!(r#""type":"{}""#, kind_name(node.kind)),
    ];
    fields.extend(node.props.iter().map(prop));
    let id_at = usize::from(node.id_at) % (fields.len() + 1);
    fields.insert(id_at, format!(r#""id":"{}""#, id_text(node.id)));
    let children_at =
        (!children.is_empty()).then(|| usize::from(node.children_at) % (fields.len() + 1));
    out.push('{');
    for position in 0..=fields.len() {
        if children_at == Some(position) {
            if position > 0 {
                out.push(',');
                out.push_str(space);
            }
            out.push_str(r#""children":["#);
            render_children(tree, children, space, out, count);
            out.push(']');
        }
        if let Some(field) = fields.get(position) {
            if position > 0 || children_at == Some(0) {
                out.push(',');
                out.push_str(space);
            }
            out.push_str(field);
        }
    }
    out.push('}');
}
