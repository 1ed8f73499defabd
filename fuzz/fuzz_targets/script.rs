//! Script reading as the image model does it: the shebang line and the shell parser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(sb) = kexit::shell::shebang(text) {
        assert!(sb.range.end <= text.len());
        let _ = (sb.program(), sb.via_env());
    }
    let _ = kexit::shell::parse(text);
});
