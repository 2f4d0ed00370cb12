//! Global variables and element templates.
//!
//! Repeated style values move to `globalVars` under content-addressed keys
//! (named Figma styles keep their name); values used once stay inline.
//! Repeated node bodies (everything but id, name, text and a few
//! per-instance fields) become element templates. Use counts are taken after
//! templating, so a style used only by one template is inlined into it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::describe::{Prop, Record, Value};

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
    pub keys: HashMap<Value, String>,
    /// Template id → body.
    pub templates: BTreeMap<String, Body>,
    /// Per record: the template it uses.
    pub record_template: Vec<Option<String>>,
}

/// Content-addressed key: prefix + first hex digits of SHA-256, longer on a collision.
fn content_key(prefix: &str, content: &str, taken: &HashMap<String, String>) -> String {
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

fn body_of<'a>(record: &'a Record<'_>) -> (&'a str, Vec<&'a Prop>) {
    let props = record
        .props
        .iter()
        .filter(|prop| !is_instance_specific(prop))
        .collect();
    (record.type_label, props)
}

fn value_len(value: &Value) -> usize {
    match value {
        Value::Style { content, .. } => content.len(),
        Value::Plain(text) | Value::Quoted(text) => text.len(),
    }
}

pub(crate) fn deduplicate(records: &[Record<'_>]) -> Shared {
    let mut shared = Shared::default();

    // Templates: bodies seen at least twice whose text is worth a reference.
    let bodies: Vec<(&str, Vec<&Prop>)> = records.iter().map(body_of).collect();
    let mut body_counts: HashMap<&(&str, Vec<&Prop>), usize> = HashMap::new();
    for body in &bodies {
        if body.1.len() >= 2 {
            *body_counts.entry(body).or_default() += 1;
        }
    }
    let mut template_ids: HashMap<&(&str, Vec<&Prop>), String> = HashMap::new();
    let mut taken_templates: HashMap<String, String> = HashMap::new();
    for body in &bodies {
        let worth = body_counts.get(body).is_some_and(|count| *count >= 2)
            && body
                .1
                .iter()
                .map(|prop| prop.key.len() + value_len(&prop.value) + 2)
                .sum::<usize>()
                > 24;
        if !worth {
            shared.record_template.push(None);
            continue;
        }
        let id = match template_ids.get(body) {
            Some(id) => id.clone(),
            None => {
                let signature = format!("{body:?}");
                let id = content_key("EL-", &signature, &taken_templates);
                taken_templates.insert(id.clone(), signature);
                template_ids.insert(body, id.clone());
                let owned: Body = (
                    body.0.to_owned(),
                    body.1.iter().map(|prop| (*prop).clone()).collect(),
                );
                shared.templates.insert(id.clone(), owned);
                id
            }
        };
        shared.record_template.push(Some(id));
    }

    // Style use counts after templating.
    let mut uses: HashMap<&Value, usize> = HashMap::new();
    for (record, template) in records.iter().zip(&shared.record_template) {
        for prop in &record.props {
            if template.is_some() && !is_instance_specific(prop) {
                continue;
            }
            if matches!(prop.value, Value::Style { .. }) {
                *uses.entry(&prop.value).or_default() += 1;
            }
        }
    }
    let mut template_uses: Vec<&Value> = Vec::new();
    for (_, props) in shared.templates.values() {
        template_uses.extend(
            props
                .iter()
                .map(|prop| &prop.value)
                .filter(|value| matches!(value, Value::Style { .. })),
        );
    }
    let mut counted: HashMap<Value, usize> = uses
        .into_iter()
        .map(|(value, count)| (value.clone(), count))
        .collect();
    for value in template_uses {
        *counted.entry(value.clone()).or_default() += 1;
    }

    // Keys: named styles by name, repeated unnamed values by content.
    let mut taken: HashMap<String, String> = HashMap::new();
    let mut entries: Vec<(Value, usize)> = counted.into_iter().collect();
    entries.sort_by(|a, b| sort_key(&a.0).cmp(&sort_key(&b.0)));
    for (value, used) in entries {
        let Value::Style {
            group,
            content,
            named,
        } = &value
        else {
            continue;
        };
        let key = match named {
            Some(name) => {
                let mut key = name.clone();
                let mut suffix = 2;
                while taken.get(&key).is_some_and(|existing| existing != content) {
                    key = format!("{name} ({suffix})");
                    suffix += 1;
                }
                key
            }
            None if used >= 2 => content_key(group.prefix(), content, &taken),
            None => continue,
        };
        taken.insert(key.clone(), content.clone());
        shared.vars.insert(key.clone(), content.clone());
        shared.keys.insert(value, key);
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
