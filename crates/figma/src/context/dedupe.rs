//! Global variables and element templates.
//!
//! Repeated style values move to `globalVars` under content-addressed keys
//! (named Figma styles keep their name); values used once stay inline.
//! Repeated node bodies (everything but id, name, text and a few
//! per-instance fields) become element templates. Use counts are taken after
//! templating, so a style used only by one template is inlined into it.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::describe::{Prop, Record, Value};
use crate::fast_hash::FastMap;

/// Props that stay on the node line even when it uses a template.
pub(crate) fn is_instance_specific(prop: &Prop) -> bool {
    matches!(prop.key, "text" | "more" | "on" | "note" | "links")
}

/// A template body: type label and the shared props.
pub(crate) type Body = (String, Vec<Prop>);

/// The shared parts of the output.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Key → content, for every value that moved to global vars.
    pub vars: BTreeMap<String, String>,
    /// Style value → its global var key.
    pub keys: FastMap<Value, String>,
    /// Template id → body.
    pub templates: BTreeMap<String, Body>,
    /// Per record: the template it uses.
    pub record_template: Vec<Option<String>>,
}

/// Content-addressed key: prefix + first hex digits of SHA-256, longer on a collision.
fn content_key(prefix: &str, content: &str, taken: &FastMap<String, String>) -> String {
    let digest = hex::encode(Sha256::digest(content.as_bytes()));
    let mut length = 6;
    loop {
        let key = format!("{prefix}{}", &digest[..length.min(digest.len())]);
        match taken.get(&key) {
            Some(existing) if existing != content && length < digest.len() => length += 2,
            _ => return key,
        }
    }
}

fn value_len(value: &Value) -> usize {
    match value {
        Value::Style { content, .. } => content.len(),
        Value::Plain(text) | Value::Quoted(text) => text.len(),
    }
}

/// Every distinct prop and value of the records, numbered, so that the
/// counting below hashes each prop once instead of every time it is compared.
struct Interned<'r> {
    props: Vec<&'r Prop>,
    /// Per distinct prop: the number of its value in `values`.
    value_of_prop: Vec<u32>,
    values: Vec<&'r Value>,
    /// Per record: its body's props (all but the instance-specific ones), as
    /// numbers, in order; `body_props[bodies[n].clone()]`.
    body_props: Vec<u32>,
    bodies: Vec<std::ops::Range<usize>>,
}

impl<'r> Interned<'r> {
    fn new(records: &'r [Record<'_>]) -> Self {
        let mut prop_numbers: FastMap<&Prop, u32> = FastMap::default();
        let mut value_numbers: FastMap<&Value, u32> = FastMap::default();
        let mut interned = Self {
            props: Vec::new(),
            value_of_prop: Vec::new(),
            values: Vec::new(),
            body_props: Vec::new(),
            bodies: Vec::with_capacity(records.len()),
        };
        for record in records {
            let start = interned.body_props.len();
            for prop in &record.props {
                if is_instance_specific(prop) {
                    // Such props are on every line and counted nowhere: never styles.
                    debug_assert!(!matches!(prop.value, Value::Style { .. }), "{prop:?}");
                    continue;
                }
                let number = *prop_numbers.entry(prop).or_insert_with(|| {
                    let value = *value_numbers.entry(&prop.value).or_insert_with(|| {
                        interned.values.push(&prop.value);
                        number_of(interned.values.len() - 1)
                    });
                    interned.props.push(prop);
                    interned.value_of_prop.push(value);
                    number_of(interned.props.len() - 1)
                });
                interned.body_props.push(number);
            }
            interned.bodies.push(start..interned.body_props.len());
        }
        interned
    }

    fn body(&self, record: usize) -> &[u32] {
        self.bodies
            .get(record)
            .and_then(|range| self.body_props.get(range.clone()))
            .unwrap_or_default()
    }

    fn prop(&self, number: u32) -> &'r Prop {
        self.props[number as usize]
    }
}

/// Prop and value numbers fit in `u32`: a context never holds 4 billion props.
fn number_of(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

pub(crate) fn deduplicate(records: &[Record<'_>]) -> Shared {
    let mut shared = Shared::default();
    let interned = Interned::new(records);

    // Templates: bodies seen at least twice whose text is worth a reference.
    // Each distinct body is numbered once, so every later question about it
    // (how often, worth it, which id) is asked per body, not per record.
    let mut body_numbers: FastMap<(&str, &[u32]), usize> = FastMap::default();
    let mut distinct: Vec<(&str, &[u32])> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let record_bodies: Vec<Option<usize>> = records
        .iter()
        .enumerate()
        .map(|(number, record)| {
            let body = (record.type_label, interned.body(number));
            if body.1.len() < 2 {
                return None;
            }
            let next = distinct.len();
            let number = *body_numbers.entry(body).or_insert(next);
            if number == next {
                distinct.push(body);
                counts.push(0);
            }
            counts[number] += 1;
            Some(number)
        })
        .collect();
    let mut template_of: Vec<Option<String>> = vec![None; distinct.len()];
    let mut taken_templates: FastMap<String, String> = FastMap::default();
    for (number, body) in distinct.iter().enumerate() {
        let worth = counts[number] >= 2
            && body
                .1
                .iter()
                .map(|&n| {
                    let prop = interned.prop(n);
                    prop.key.len() + value_len(&prop.value) + 2
                })
                .sum::<usize>()
                > 24;
        if !worth {
            continue;
        }
        let props: Vec<&Prop> = body.1.iter().map(|&n| interned.prop(n)).collect();
        // The template's key hashes its Debug text: stable across runs.
        let signature = format!("{:?}", (body.0, &props));
        let id = content_key("EL-", &signature, &taken_templates);
        taken_templates.insert(id.clone(), signature);
        let owned: Body = (body.0.to_owned(), props.into_iter().cloned().collect());
        shared.templates.insert(id.clone(), owned);
        template_of[number] = Some(id);
    }
    shared.record_template = record_bodies
        .iter()
        .map(|body| body.and_then(|number| template_of[number].clone()))
        .collect();

    // Style use counts after templating: once per record line that shows the
    // value, once per template that holds it.
    let mut uses = vec![0usize; interned.values.len()];
    for (number, template) in shared.record_template.iter().enumerate() {
        if template.is_none() {
            for &prop in interned.body(number) {
                uses[interned.value_of_prop[prop as usize] as usize] += 1;
            }
        }
    }
    for (body, template) in distinct.iter().zip(&template_of) {
        if template.is_some() {
            for &prop in body.1 {
                uses[interned.value_of_prop[prop as usize] as usize] += 1;
            }
        }
    }

    // Keys: named styles by name, repeated unnamed values by content.
    let mut taken: FastMap<String, String> = FastMap::default();
    let mut entries: Vec<(&Value, usize)> = interned
        .values
        .iter()
        .zip(uses)
        .filter(|(value, used)| *used > 0 && matches!(value, Value::Style { .. }))
        .map(|(value, used)| (*value, used))
        .collect();
    entries.sort_by(|a, b| sort_key(a.0).cmp(&sort_key(b.0)));
    for (value, used) in entries {
        let Value::Style {
            group,
            content,
            named,
        } = value
        else {
            continue;
        };
        let key = match named {
            Some(name) => {
                let mut key = name.to_string();
                let mut suffix = 2;
                while taken
                    .get(&key)
                    .is_some_and(|existing| existing.as_str() != content.as_str())
                {
                    key = format!("{name} ({suffix})");
                    suffix += 1;
                }
                key
            }
            None if used >= 2 => content_key(group.prefix(), content, &taken),
            None => continue,
        };
        taken.insert(key.clone(), content.to_string());
        shared.vars.insert(key.clone(), content.to_string());
        shared.keys.insert(value.clone(), key);
    }
    shared
}

/// Deterministic order for key assignment (collisions resolve the same way every run).
fn sort_key(value: &Value) -> (u8, &str, &str) {
    match value {
        Value::Style {
            group,
            content,
            named,
        } => (
            *group as u8,
            named.as_deref().unwrap_or(""),
            content.as_str(),
        ),
        Value::Plain(text) | Value::Quoted(text) => (u8::MAX, "", text.as_str()),
    }
}

impl Shared {
    /// The key a style value moved to, if it did.
    pub fn key_of(&self, value: &Value) -> Option<&str> {
        match value {
            Value::Style { .. } => self.keys.get(value).map(String::as_str),
            _ => None,
        }
    }

    /// The template a record uses; adds the global var keys its line refers to to `vars`.
    pub fn references<'a>(
        &'a self,
        record_number: usize,
        record: &Record<'_>,
        vars: &mut BTreeSet<&'a str>,
    ) -> Option<&'a str> {
        let template = self
            .record_template
            .get(record_number)
            .and_then(|t| t.as_deref());
        for prop in &record.props {
            if template.is_some() && !is_instance_specific(prop) {
                continue;
            }
            if let Some(key) = self.key_of(&prop.value) {
                vars.insert(key);
            }
        }
        if let Some((_, props)) = template.and_then(|id| self.templates.get(id)) {
            for prop in props {
                if let Some(key) = self.key_of(&prop.value) {
                    vars.insert(key);
                }
            }
        }
        template
    }
}
