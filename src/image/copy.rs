//! COPY/ADD: what each source puts in the image (from the build context, an earlier stage or
//! another image), where it lands, and what stays unknown.

use super::build::normalize;
use super::context::Context;
use super::dockerfile::{entry, fuzz, put};
use super::{catalogue, ContextFile, Entry, Image, Origin, Tri};
use crate::docker::{CopySource, Dockerfile, Flag, Stage};
use crate::source::Span;
use std::borrow::Cow;

/// A COPY/ADD whose destination is known: each source (already expanded: None for a heredoc,
/// else the value and whether it is known) copied from the build context or an earlier stage
/// (`--from`), or made unknown; then `--chown`/`--chmod`.
pub(super) fn copy_step(
    img: &mut Image,
    (add, flags, sources): (bool, &[Flag], &[CopySource]),
    (dest_x, expanded): (&str, Vec<Option<(String, bool)>>),
    (d, s, earlier, ctx): (&Dockerfile, &Stage, &[Image], Option<&Context>),
    origin: &Origin,
    seq: u32,
) {
    let file = d.file;
    // `COPY f .` into the working directory (or `/`, which always exists) copies
    // into that directory, never over it.
    let dest_is_dir = dest_x.ends_with('/')
        || sources.len() > 1
        || dest_x == "."
        || dest_x.ends_with("/.")
        || normalize(&img.workdir, dest_x) == "/";
    let dest_p = normalize(&img.workdir, dest_x);
    let chmod = flags
        .iter()
        .find(|f| f.name == "chmod")
        .and_then(|f| f.value.as_deref())
        .map(|m| {
            u32::from_str_radix(m, 8)
                .map(|m| Tri::from_bool(m & 0o111 != 0))
                .unwrap_or(Tri::Unknown)
        });
    let from = flags
        .iter()
        .find(|f| f.name == "from")
        .and_then(|f| f.value.clone());
    for (src, x) in sources.iter().zip(expanded) {
        match src {
            CopySource::Heredoc { body, span: hs } => {
                let mut e = entry(origin.clone(), seq);
                e.executable = chmod.unwrap_or(Tri::No);
                e.inline = Some(Box::new((body.clone(), Span::new(file, hs.clone()))));
                if dest_is_dir {
                    fuzz(img, &dest_p);
                } else {
                    put(img, &dest_p, e);
                }
            }
            CopySource::Path(_) => {
                let Some((sx, true)) = x else {
                    fuzz(img, &dest_p);
                    continue;
                };
                if let Some(fr) = &from {
                    // An earlier stage is read where it is, never copied.
                    let src_img: Option<Cow<'_, Image>> = d
                        .stage_by_ref(fr, s.index)
                        .and_then(|p| earlier.get(p.index))
                        .map(Cow::Borrowed)
                        .or_else(|| catalogue::image(fr).map(Cow::Owned));
                    match src_img {
                        Some(si) => {
                            copy_from_image(img, &si, &sx, &dest_p, dest_is_dir, chmod, origin, seq)
                        }
                        None => copied_unknown(img, &sx, &dest_p, dest_is_dir, chmod, origin, seq),
                    }
                } else if add && (sx.contains("://") || sx.starts_with("git@")) {
                    fuzz(img, &dest_p);
                } else if add && is_archive(&sx) {
                    // ADD extracts local archives.
                    fuzz(img, &dest_p);
                } else {
                    copy_from_context(img, ctx, &sx, &dest_p, dest_is_dir, chmod, origin, seq);
                }
            }
        }
    }
    let flag = |n: &str| {
        flags
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.value.as_deref())
    };
    let (chown, chmod) = (flag("chown"), flag("chmod"));
    super::perms::after_copy(img, chown, chmod, from.is_some(), seq);
}

fn is_archive(p: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz"]
        .iter()
        .any(|e| p.ends_with(e))
}

#[allow(clippy::too_many_arguments)]
fn copy_from_image(
    img: &mut Image,
    src: &Image,
    sp: &str,
    dest: &str,
    dest_is_dir: bool,
    chmod: Option<Tri>,
    origin: &Origin,
    seq: u32,
) {
    if sp.contains(['*', '?', '[']) {
        fuzz(img, dest);
        return;
    }
    let sp = normalize(&src.workdir, sp);
    let info = src.path(&sp);
    match (info.exists, info.is_dir) {
        (Tri::Yes, Tri::No) => {
            let target = if super::build::copies_into(img, dest, dest_is_dir) {
                format!("{}/{}", dest.trim_end_matches('/'), basename(&sp))
            } else {
                dest.to_string()
            };
            let mut e = entry(origin.clone(), seq);
            e.executable = chmod.unwrap_or(info.executable);
            e.source = info.source;
            e.inline = info.inline;
            put(img, &normalize("/", &target), e);
        }
        (Tri::Yes, Tri::Yes) => {
            // Copy the known entries under the directory; the rest is unknown.
            let prefix = if sp == "/" { String::new() } else { sp.clone() };
            let items: Vec<(String, Entry)> = src
                .fs
                .range_from(&format!("{prefix}/"))
                .take_while(|(k, _)| k.starts_with(&format!("{prefix}/")))
                .map(|(k, e)| (k[prefix.len()..].to_string(), e.clone()))
                .collect();
            fuzz(img, dest);
            for (rel, mut e) in items {
                e.seq = seq;
                e.origin = origin.clone();
                if let Some(c) = chmod {
                    if e.is_dir != Tri::Yes {
                        e.executable = c;
                    }
                }
                put(img, &normalize("/", &format!("{dest}{rel}")), e);
            }
        }
        _ => copied_unknown(img, &sp, dest, dest_is_dir, chmod, origin, seq),
    }
}

/// A source kexit cannot see (a path of another stage it could not follow, an image it does not
/// know, a build-context file it has not listed). When the source is a literal path the COPY
/// cannot succeed without it, so after it the destination exists: the source itself (file or
/// directory, kexit cannot tell), or the directory it was copied into (`dest/`, several
/// sources, an existing directory). What lies under it stays unknown. A wildcard may match
/// nothing: then nothing is claimed.
#[allow(clippy::too_many_arguments)]
fn copied_unknown(
    img: &mut Image,
    sp: &str,
    dest: &str,
    dest_is_dir: bool,
    chmod: Option<Tri>,
    origin: &Origin,
    seq: u32,
) {
    fuzz(img, dest);
    if sp.contains(['*', '?', '[']) || img.path(dest).is_dir == Tri::Yes {
        return;
    }
    let mut e = entry(origin.clone(), seq);
    if dest_is_dir {
        e.is_dir = Tri::Yes;
        e.executable = Tri::Yes;
    } else {
        e.is_dir = Tri::Unknown;
        e.executable = chmod.unwrap_or(Tri::Unknown);
    }
    put(img, dest, e);
}

pub(super) fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

#[allow(clippy::too_many_arguments)]
fn copy_from_context(
    img: &mut Image,
    ctx: Option<&Context>,
    sp: &str,
    dest: &str,
    dest_is_dir: bool,
    chmod: Option<Tri>,
    origin: &Origin,
    seq: u32,
) {
    let Some(ctx) = ctx else {
        copied_unknown(img, sp, dest, dest_is_dir, chmod, origin, seq);
        return;
    };
    let rel = normalize("/", sp);
    let rel = rel.trim_start_matches('/');
    let mk = |ce: &super::context::CtxEntry| -> Entry {
        let mut e = entry(origin.clone(), seq);
        if ce.is_dir {
            e.is_dir = Tri::Yes;
            e.executable = Tri::Yes;
        } else {
            e.executable = chmod.unwrap_or(match ce.mode {
                Some(m) => Tri::from_bool(m & 0o111 != 0),
                None => Tri::Unknown,
            });
            e.source = ce.file.map(|file| ContextFile {
                file,
                mode: ce.mode,
            });
        }
        e
    };
    if rel.contains(['*', '?', '[']) {
        let matches: Vec<(String, super::context::CtxEntry)> = ctx
            .entries
            .iter()
            .filter(|(k, _)| {
                catalogue::glob(rel, k) && !k[rel.find('*').unwrap_or(0)..].contains('/')
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if matches.is_empty() || !ctx.complete {
            fuzz(img, dest);
        }
        for (k, ce) in matches {
            if ce.is_dir {
                fuzz(img, dest);
                continue;
            }
            let target = format!("{}/{}", dest.trim_end_matches('/'), basename(&k));
            put(img, &normalize("/", &target), mk(&ce));
        }
        return;
    }
    let is_root = rel.is_empty();
    let ce = if is_root {
        Some(super::context::CtxEntry {
            is_dir: true,
            mode: None,
            file: None,
        })
    } else {
        ctx.entries.get(rel).cloned()
    };
    let Some(ce) = ce else {
        // Not in the context (or the listing was cut, or the build makes it before `docker
        // build`): what it is stays unknown.
        copied_unknown(img, sp, dest, dest_is_dir, chmod, origin, seq);
        return;
    };
    if !ce.is_dir {
        let target = if super::build::copies_into(img, dest, dest_is_dir) {
            format!("{}/{}", dest.trim_end_matches('/'), basename(rel))
        } else {
            dest.to_string()
        };
        put(img, &normalize("/", &target), mk(&ce));
        return;
    }
    // Directory: its contents go under dest.
    let was_absent = img.path(dest).exists == Tri::No;
    let prefix = if is_root {
        String::new()
    } else {
        format!("{rel}/")
    };
    let items: Vec<(String, super::context::CtxEntry)> = ctx
        .entries
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, v)| (k[prefix.len()..].to_string(), v.clone()))
        .collect();
    let mut d = entry(origin.clone(), seq);
    d.is_dir = Tri::Yes;
    d.executable = Tri::Yes;
    if !was_absent || !ctx.complete {
        fuzz(img, dest);
    }
    d.complete_dir = was_absent && ctx.complete;
    put(img, dest, d);
    for (r, ce) in items {
        put(img, &normalize(dest, &r), mk(&ce));
    }
}
