//! The YAML front end: any text ends in documents and/or located errors, never a panic.
//!
//! Each input is also grown into a large text (its first line, then the rest repeated past
//! 64 KiB, or past 1 MiB when the first line ends in `!`), so the handling of large flow
//! collections (a document root read with `--- ` before it, any other one over 1 MiB not
//! read) sees inputs libFuzzer's short ones never reach: `[` then `a, `; `- {` then `"k": 1, `.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn check(text: &str) {
    let y = kexit::yaml::parse(text);
    for e in &y.errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }
    for d in &y.docs {
        let _ = d.root.to_json();
        assert!(d.start <= text.len());
        assert!(d.root.span().end <= text.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text);
    if let Some((head, body)) = text.split_once('\n') {
        if !body.is_empty() && body.len() <= 4096 {
            let past = if head.ends_with('!') { 1 << 20 } else { 64 << 10 };
            let big = format!(
                "{}\n{}",
                head.trim_end_matches('!'),
                body.repeat(past / body.len() + 1)
            );
            check(&big);
        }
    }
});
