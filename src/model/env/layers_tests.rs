//! [`Layers::var`] against its definition: every layer tried, last to first.

use super::*;
use crate::compose::interp::EnvLine;
use crate::model::env::{DataKey, DataKind};
use crate::source::Span;
use crate::yaml::{Style, Value};
use std::collections::BTreeMap;

/// The definition (the scan of every layer it replaces), as a comparable answer:
/// (value, item address, key span) or (value, 0, line span).
fn by_definition(list: &[Layer<'_>], name: &str) -> Option<(Option<String>, usize, Span)> {
    let mut unknown = false;
    for l in list.iter().rev() {
        match l {
            Layer::EnvFrom { item, prefix, data } => {
                let Some(key) = name.strip_prefix(prefix.as_str()) else {
                    continue;
                };
                match data {
                    None => unknown = true,
                    Some(d) => {
                        if let Some(k) = d.keys.get(key).filter(|k| k.in_data) {
                            return Some((
                                k.value.clone().filter(|_| !unknown),
                                *item as *const Node as usize,
                                k.span.unwrap_or(Span::new(0, 0..0)),
                            ));
                        }
                    }
                }
            }
            Layer::Dotenv(f) => {
                if let Some(line) = f.get(name) {
                    return Some((line.value.clone(), 0, f.span(line)));
                }
            }
            // A part's last entry of the name.
            Layer::Compose(p) => {
                if let Some(e) = p.items().iter().rev().find(|e| e.name == name) {
                    return Some((e.value.clone(), 0, e.span));
                }
            }
        }
    }
    None
}

fn answer(layers: &Layers<'_>, name: &str) -> Option<(Option<String>, usize, Span)> {
    let hit = layers.var(name)?;
    let value = hit.value.map(str::to_string);
    Some(match hit.origin {
        Origin::EnvFrom { item, key_span } => (
            value,
            item as *const Node as usize,
            key_span.unwrap_or(Span::new(0, 0..0)),
        ),
        Origin::Compose(span) => (value, 0, span),
        other => panic!("{other:?}"),
    })
}

struct Rnd(Box<dyn FnMut(usize) -> usize>);

impl Rnd {
    fn new(seed: u64) -> Rnd {
        Rnd(Box::new(crate::test_rand::below(seed)))
    }
    fn below(&mut self, n: usize) -> usize {
        (self.0)(n)
    }
    /// A short word over a small alphabet, so that names, keys and prefixes meet often.
    fn word(&mut self, max: usize) -> String {
        let alphabet = ['A', 'B', '_', 'é'];
        (0..self.below(max + 1))
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

/// Random `envFrom` layers (a few objects, each referenced several times under a few
/// prefixes, and sources of unknown keys): the index finds what the scan finds, value,
/// origin and the unknown value under a later open source included.
#[test]
fn envfrom_layers_agree_with_the_definition() {
    let mut rnd = Rnd::new(0x9e37_79b9_7f4a_7c15);
    let items: Vec<Node> = (0..16)
        .map(|i| Node::new(i..i + 1, Style::Plain, Value::Str("x".into())))
        .collect();
    for round in 0..300 {
        let objects: Vec<Arc<ConfigData<'_>>> = (0..1 + rnd.below(3))
            .map(|o| {
                let mut keys = BTreeMap::new();
                for k in 0..rnd.below(8) {
                    keys.insert(
                        rnd.word(3),
                        DataKey {
                            value: (rnd.below(4) > 0).then(|| format!("v{round}.{o}.{k}")),
                            span: Some(Span::new(o, k..k + 1)),
                            in_data: rnd.below(5) > 0,
                        },
                    );
                }
                Arc::new(ConfigData {
                    kind: DataKind::ConfigMap,
                    namespace: "default".into(),
                    name: format!("o{o}"),
                    objects: Vec::new(),
                    keys,
                    keys_known: true,
                })
            })
            .collect();
        let prefixes: Vec<String> = (0..1 + rnd.below(3)).map(|_| rnd.word(2)).collect();
        let list: Vec<Layer<'_>> = (0..rnd.below(items.len()))
            .map(|i| Layer::EnvFrom {
                item: &items[i],
                prefix: prefixes[rnd.below(prefixes.len())].clone(),
                data: (rnd.below(4) > 0).then(|| objects[rnd.below(objects.len())].clone()),
            })
            .collect();
        let layers = Layers::new(list.clone());
        for _ in 0..40 {
            let name = rnd.word(5);
            assert_eq!(
                answer(&layers, &name),
                by_definition(&list, &name),
                "{list:#?}\n{name:?}"
            );
        }
    }
}

/// Random Compose `env_file`s (some listed twice) and `environment` parts (some shared by
/// several definitions), in any order: a later layer's entry wins, and a part's last entry.
#[test]
fn compose_layers_agree_with_the_definition() {
    let mut rnd = Rnd::new(0x2545_f491_4f6c_dd1d);
    for _ in 0..200 {
        let files: Vec<Arc<EnvFile>> = (0..1 + rnd.below(3))
            .map(|f| {
                let lines = (0..rnd.below(6))
                    .map(|l| EnvLine {
                        name: rnd.word(3),
                        value: (rnd.below(4) > 0).then(|| format!("{f}.{l}")),
                        range: l..l + 1,
                        over_budget: false,
                    })
                    .collect();
                Arc::new(EnvFile::new(f, lines))
            })
            .collect();
        let parts: Vec<Arc<Part<EnvVar>>> = (0..1 + rnd.below(3))
            .map(|p| {
                let entries = (0..rnd.below(6))
                    .map(|e| EnvVar {
                        name: rnd.word(3),
                        value: (rnd.below(4) > 0).then(|| format!("p{p}.{e}")),
                        span: Span::new(10 + p, e..e + 1),
                    })
                    .collect();
                Arc::new(Part::new(entries))
            })
            .collect();
        let list: Vec<Layer<'_>> = (0..rnd.below(6))
            .map(|_| match rnd.below(2) {
                0 => Layer::Dotenv(files[rnd.below(files.len())].clone()),
                _ => Layer::Compose(parts[rnd.below(parts.len())].clone()),
            })
            .collect();
        let layers = Layers::new(list.clone());
        for _ in 0..30 {
            let name = rnd.word(3);
            assert_eq!(answer(&layers, &name), by_definition(&list, &name));
        }
    }
}
