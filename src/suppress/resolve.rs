//! Which directive silences each finding: [`Index::resolve`], by hash lookups and one sorted
//! sweep rather than every directive against every finding.

use super::*;

impl Index {
    /// For each finding, the first directive that silences it (by index), and every directive
    /// that silences one has its code for the finding's rule marked as used.
    ///
    /// A directive silences a finding when it names the finding's rule (its first code naming it
    /// is the one used) and its scope covers the finding ([`Index::matches`]). A scope is a
    /// union of keys (the finding's object, and container) and byte ranges (of one file, for
    /// findings of any container or of one), so, per rule: keys are hash lookups, the first
    /// range covering each finding comes from one sweep over ranges and findings sorted by
    /// start, and a range is used when a sorted finding start falls in it. O((directives +
    /// findings) log) where a check of every directive for every finding was their product.
    pub(super) fn resolve(&mut self, findings: &[&Finding]) -> Vec<Option<usize>> {
        let mut first: Vec<Option<usize>> = vec![None; findings.len()];
        if self.directives.is_empty() {
            return first;
        }
        // (rule, file, container the finding must be of) → ranges as (start, end, directive, code).
        type Group<'a> = (&'static str, FileId, Option<&'a str>);
        type Key<'a> = (&'static str, &'a ObjectRef, Option<&'a str>);
        let mut ranges: HashMap<Group<'_>, Vec<(usize, usize, usize, usize)>> = HashMap::new();
        let mut keys: HashMap<Key<'_>, Vec<(usize, usize)>> = HashMap::new();
        for (di, d) in self.directives.iter().enumerate() {
            let mut named = HashSet::new();
            for (ci, c) in d.codes.iter().enumerate() {
                let Some(rule) = c.rule.filter(|r| named.insert(*r)) else {
                    continue;
                };
                // The ranges (with the container a finding in them must be of) and the key.
                let (file, spans, key) = match &d.scope {
                    Scope::Range(file, r) => (*file, [Some((None, r)), None], None),
                    Scope::Object {
                        object,
                        file,
                        range,
                        container: None,
                    } => (*file, [Some((None, range)), None], Some((object, None))),
                    Scope::Object {
                        object,
                        file,
                        range,
                        container: Some((name, crange)),
                    } => {
                        let name = Some(name.as_str());
                        let spans = [Some((name, range)), Some((None, crange))];
                        (*file, spans, Some((object, name)))
                    }
                };
                for (only, r) in spans.into_iter().flatten() {
                    ranges
                        .entry((rule, file, only))
                        .or_default()
                        .push((r.start, r.end, di, ci));
                }
                if let Some((object, only)) = key {
                    keys.entry((rule, object, only)).or_default().push((di, ci));
                }
            }
        }
        let mut used: Vec<(usize, usize)> = Vec::new();
        let earliest = |slot: &mut Option<usize>, d: usize| {
            *slot = Some(slot.map_or(d, |s| s.min(d)));
        };
        // Keys: the finding's object (and container).
        if !keys.is_empty() {
            let mut met: HashSet<Key<'_>> = HashSet::new();
            for (fi, f) in findings.iter().enumerate() {
                let Some(o) = f.object.as_deref() else {
                    continue;
                };
                let rule = f.rule.code;
                let container = f.container.as_deref();
                let keyed = [Some((rule, o, None)), container.map(|c| (rule, o, Some(c)))];
                for key in keyed.into_iter().flatten() {
                    if let Some(ds) = keys.get(&key) {
                        if let (Some(slot), Some(&(d, _))) = (first.get_mut(fi), ds.first()) {
                            earliest(slot, d);
                        }
                        met.insert(key);
                    }
                }
            }
            for key in &met {
                used.extend(keys.get(key).into_iter().flatten());
            }
        }
        // Ranges: finding starts per group, sorted.
        let mut points: HashMap<Group<'_>, Vec<(usize, usize)>> = HashMap::new();
        for (fi, f) in findings.iter().enumerate() {
            let rule = f.rule.code;
            let file = f.span.file;
            let container = f.container.as_deref();
            let groups = [
                Some((rule, file, None)),
                container.map(|c| (rule, file, Some(c))),
            ];
            for group in groups.into_iter().flatten() {
                if ranges.contains_key(&group) {
                    points.entry(group).or_default().push((f.span.start, fi));
                }
            }
        }
        for (group, pts) in &mut points {
            let Some(rs) = ranges.get_mut(group) else {
                continue;
            };
            pts.sort_unstable();
            rs.sort_unstable();
            for &(start, end, d, c) in rs.iter() {
                let i = pts.partition_point(|&(p, _)| p < start);
                if pts.get(i).is_some_and(|&(p, _)| p < end) {
                    used.push((d, c));
                }
            }
            // Sweep: the ranges begun so far by directive, the ended ones dropped as they surface.
            let mut open: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
            let mut next = rs.iter().peekable();
            for &(p, fi) in pts.iter() {
                while let Some(&&(start, end, d, _)) = next.peek() {
                    if start > p {
                        break;
                    }
                    open.push(Reverse((d, end)));
                    next.next();
                }
                while open.peek().is_some_and(|Reverse((_, end))| *end <= p) {
                    open.pop();
                }
                if let (Some(Reverse((d, _))), Some(slot)) = (open.peek(), first.get_mut(fi)) {
                    earliest(slot, *d);
                }
            }
        }
        drop(keys);
        drop(ranges);
        for (d, c) in used {
            if let Some(code) = self.directives.get_mut(d).and_then(|d| d.codes.get_mut(c)) {
                code.used = true;
            }
        }
        first
    }
}
