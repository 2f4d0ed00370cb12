//! Global variables and element templates.
//!
//! Repeated style values move to `globalVars` under content-addressed keys
//! (named Figma styles keep their name); values used once stay inline.
//! Repeated node bodies (everything but id, name, text and child counts)
//! become element templates. Use counts are taken after templating, so a
//! style used only by one template is inlined into it.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::describe::{Prop, Record, Value};

/// Props that stay on the node line even when it uses a template.
pub(crate) fn is_instance_specific(prop: &Prop) -> bool {
    matches!(prop.key, "text" | "more" | "on" | "note" | "links")
}

/// The shared parts of the output.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// (group prefix order) key → content.
    pub vars: BTreeMap<String, String>,
    /// Style content → key, for the values that moved to `vars`.
    pub keys: HashMap<(super::describe::Group, String, Option<String>), String>,
    /// Template id → (type label, body props).
    pub templates: BTreeMap<String, (String, Vec<Prop>)>,
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

pub(crate) fn deduplicate(records: &[Record]) -> Shared {
    let mut shared = Shared::default();

    // Templates: bodies seen at least twice whose text is worth a reference.
    let body_of = |record: &Record| -> (String, Vec<Prop>) {
        let props: Vec<Prop> = record
            .props
            .iter()
            .filter(|prop| !is_instance_specific(prop))
            .cloned()
            .collect();
        (record.type_label.clone(), props)
    };
    let mut body_counts: HashMap<(String, Vec<Prop>), usize> = HashMap::new();
    for record in records {
        let body = body_of(record);
        if body.1.len() >= 2 {
            *body_counts.entry(body).or_default() += 1;
        }
    }
    let mut template_ids: HashMap<(String, Vec<Prop>), String> = HashMap::new();
    let mut taken_templates: HashMap<String, String> = HashMap::new();
    for record in records {
        let body = body_of(record);
        let worth = body_counts.get(&body).is_some_and(|count| *count >= 2)
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
        let id = match template_ids.get(&body) {
            Some(id) => id.clone(),
            None => {
                let signature = format!("{body:?}");
                let id = content_key("EL-", &signature, &taken_templates);
                taken_templates.insert(id.clone(), signature);
                template_ids.insert(body.clone(), id.clone());
                shared.templates.insert(id.clone(), body.clone());
                id
            }
        };
        shared.record_template.push(Some(id));
    }

    // Style use counts after templating.
    let mut uses: HashMap<(super::describe::Group, String, Option<String>), usize> = HashMap::new();
    let mut count = |props: &[Prop]| {
        for prop in props {
            if let Value::Style {
                group,
                content,
                named,
            } = &prop.value
            {
                *uses
                    .entry((*group, content.clone(), named.clone()))
                    .or_default() += 1;
            }
        }
    };
    for (record, template) in records.iter().zip(&shared.record_template) {
        match template {
            Some(_) => count(
                &record
                    .props
                    .iter()
                    .filter(|p| is_instance_specific(p))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            None => count(&record.props),
        }
    }
    for (_, props) in shared.templates.values() {
        count(props);
    }

    // Keys: named styles by name, repeated unnamed values by content.
    let mut taken: HashMap<String, String> = HashMap::new();
    let mut entries: Vec<_> = uses.into_iter().collect();
    entries.sort();
    for ((group, content, named), used) in entries {
        let key = match &named {
            Some(name) => {
                let mut key = name.clone();
                let mut suffix = 2;
                while taken.get(&key).is_some_and(|existing| *existing != content) {
                    key = format!("{name} ({suffix})");
                    suffix += 1;
                }
                key
            }
            None if used >= 2 => content_key(group.prefix(), &content, &taken),
            None => continue,
        };
        taken.insert(key.clone(), content.clone());
        shared.vars.insert(key.clone(), content.clone());
        shared.keys.insert((group, content, named), key);
    }
    shared
}

fn value_len(value: &Value) -> usize {
    match value {
        Value::Style { content, .. } => content.len(),
        Value::Plain(text) | Value::Quoted(text) => text.len(),
    }
}

impl Shared {
    /// The key a style value moved to, if it did.
    pub fn key_of(&self, value: &Value) -> Option<&str> {
        match value {
            Value::Style {
                group,
                content,
                named,
            } => self
                .keys
                .get(&(*group, content.clone(), named.clone()))
                .map(String::as_str),
            _ => None,
        }
    }

    /// Global var keys and template ids a record's line refers to.
    pub fn references(
        &self,
        record_number: usize,
        record: &Record,
    ) -> (Option<&str>, HashSet<&str>) {
        let template = self
            .record_template
            .get(record_number)
            .and_then(|t| t.as_deref());
        let mut vars = HashSet::new();
        let own: Vec<&Prop> = match template {
            Some(_) => record
                .props
                .iter()
                .filter(|p| is_instance_specific(p))
                .collect(),
            None => record.props.iter().collect(),
        };
        for prop in own {
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
        (template, vars)
    }
}
