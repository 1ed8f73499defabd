//! The whole per-file lint: a manifest and a Dockerfile (the input split at the first NUL byte)
//! go through loading, the model, every rule and the JSON/concise renderers.
#![no_main]
use kexit::discover::Kind;
use kexit::project::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data.iter().position(|&c| c == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (Ok(manifest), Ok(dockerfile)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return;
    };
    // Names starting with `<` are never looked up on disk (no build context is read).
    let mut inputs = vec![Input::Text {
        name: "<fuzz>/deploy.yaml".to_string(),
        kind: Kind::Manifest,
        text: manifest.to_string(),
    }];
    if !dockerfile.is_empty() {
        inputs.push(Input::Text {
            name: "<fuzz>/Dockerfile".to_string(),
            kind: Kind::Dockerfile,
            text: dockerfile.to_string(),
        });
    }
    let out = kexit::lint::lint_inputs(inputs);
    let _ = kexit::output::concise::render(&out.project, &out.findings);
    for f in &out.findings {
        let file = &out.project.files[f.span.file];
        let _ = file.line_col(f.span.start);
        let _ = file.slice(f.span);
    }
});
