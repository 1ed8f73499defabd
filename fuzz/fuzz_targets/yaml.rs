//! The YAML front end: any text ends in documents and/or located errors, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
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
        assert!(d.root.span().end <= text.len());
    }
});
