//! A configured template directory: YAML templates plus Jinja partials, read into memory and
//! reloaded when a file changes. Symlinks are never followed, so nothing outside the directory is
//! read; a bad file is reported and skipped, never breaking the others.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::compiled::{CompiledTemplate, TemplateOrigin};
use crate::engine::{Limits, Partials};
use crate::registry::VariantKey;
use crate::spec::MAX_TEMPLATE_BYTES;

const MAX_FILES: usize = 1000;
const MAX_DEPTH: usize = 4;
const MAX_TOTAL_BYTES: u64 = 16 * 1024 * 1024;

/// What a scan found: templates by key, and the files that failed.
#[derive(Default)]
pub(crate) struct Loaded {
    pub templates: BTreeMap<VariantKey, Arc<CompiledTemplate>>,
    pub errors: Vec<String>,
}

type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

struct State {
    fingerprint: Fingerprint,
    checked_at: Option<Instant>,
    loaded: Arc<Loaded>,
}

pub(crate) struct TemplateDir {
    root: PathBuf,
    builtin_partials: Partials,
    limits: Limits,
    recheck_every: Duration,
    state: Mutex<State>,
}

impl TemplateDir {
    pub fn new(
        root: PathBuf,
        builtin_partials: Partials,
        limits: Limits,
        recheck_every: Duration,
    ) -> Self {
        Self {
            root,
            builtin_partials,
            limits,
            recheck_every,
            state: Mutex::new(State {
                fingerprint: Vec::new(),
                checked_at: None,
                loaded: Arc::new(Loaded::default()),
            }),
        }
    }

    /// The current contents, rescanning when the recheck interval has passed and reloading if any
    /// file was added, removed or modified.
    pub fn current(&self) -> Arc<Loaded> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let due = state
            .checked_at
            .is_none_or(|at| at.elapsed() >= self.recheck_every);
        if !due {
            return Arc::clone(&state.loaded);
        }
        state.checked_at = Some(Instant::now());
        let mut errors = Vec::new();
        let files = scan(&self.root, &mut errors);
        let fingerprint: Fingerprint = files.iter().map(|(p, m, s)| (p.clone(), *m, *s)).collect();
        if fingerprint != state.fingerprint
            || state.loaded.templates.is_empty() && state.loaded.errors.is_empty()
        {
            state.loaded = Arc::new(self.load(&files, errors));
            state.fingerprint = fingerprint;
        }
        Arc::clone(&state.loaded)
    }

    fn load(
        &self,
        files: &[(PathBuf, Option<SystemTime>, u64)],
        mut errors: Vec<String>,
    ) -> Loaded {
        let mut sources = Vec::new();
        let mut partials: BTreeMap<String, Arc<str>> = (*self.builtin_partials).clone();
        let mut total = 0u64;
        for (path, _, size) in files {
            total += size;
            if *size as usize > MAX_TEMPLATE_BYTES || total > MAX_TOTAL_BYTES {
                errors.push(format!("{}: skipped, too large", path.display()));
                continue;
            }
            let text = match fs::read_to_string(path) {
                Ok(text) => text,
                Err(err) => {
                    errors.push(format!("{}: {err}", path.display()));
                    continue;
                }
            };
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if matches!(ext, "yaml" | "yml") {
                sources.push((path.clone(), text));
            } else if let Ok(relative) = path.strip_prefix(&self.root) {
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                partials.insert(name, Arc::from(text));
            }
        }
        let partials: Partials = Arc::new(partials);
        let mut loaded = Loaded {
            templates: BTreeMap::new(),
            errors,
        };
        for (path, text) in sources {
            let name = path.display().to_string();
            let origin = TemplateOrigin::Directory { path: name.clone() };
            match CompiledTemplate::compile(
                &name,
                origin,
                &text,
                Arc::clone(&partials),
                self.limits,
            ) {
                Ok(template) => {
                    let key = (template.spec.key(), template.spec.tech_stack);
                    if let Some(first) = loaded.templates.get(&key) {
                        loaded
                            .errors
                            .push(format!("{name}: duplicate of {} for {}", first.name, key.0));
                    } else {
                        loaded.templates.insert(key, template.shared());
                    }
                }
                Err(err) => loaded.errors.push(err.to_string()),
            }
        }
        loaded
    }
}

/// Regular files with template or partial extensions, sorted, without following symlinks.
fn scan(root: &Path, errors: &mut Vec<String>) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                errors.push(format!("{}: {err}", dir.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                continue;
            }
            if meta.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if matches!(ext, "yaml" | "yml" | "j2" | "jinja" | "md") && found.len() < MAX_FILES {
                found.push((path, meta.modified().ok(), meta.len()));
            }
        }
    }
    found.sort();
    found
}
