//! The `#!` line of a script.

use std::ops::Range;

/// A script's `#!` line, split into interpreter and (at most one, as Linux does) argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The interpreter path exactly as the kernel reads it (a trailing `\r` kept).
    pub interpreter: String,
    pub arg: Option<String>,
    /// Byte range of the interpreter in the script.
    pub range: Range<usize>,
    /// The line ends in `\r` (CRLF).
    pub crlf: bool,
}

impl Shebang {
    /// The command really run: for `#!/usr/bin/env X` (or `env -S X …`), `X`; else the interpreter.
    pub fn program(&self) -> &str {
        if self.interpreter.trim_end_matches('\r').ends_with("/env") {
            if let Some(a) = &self.arg {
                let a = a.trim_end_matches('\r');
                let a = a.strip_prefix("-S ").unwrap_or(a).trim_start();
                return a.split_whitespace().next().unwrap_or(a);
            }
        }
        self.interpreter.trim_end_matches('\r')
    }
    /// Uses `/usr/bin/env X`.
    pub fn via_env(&self) -> bool {
        self.interpreter.trim_end_matches('\r').ends_with("/env") && self.arg.is_some()
    }
}

/// Parse `#!interp [arg]` from the start of a file (no BOM handling: a BOM means no shebang).
pub fn shebang(text: &str) -> Option<Shebang> {
    let rest = text.strip_prefix("#!")?;
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let crlf = line.ends_with('\r');
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let body = &line[lead..];
    let interp_len = body.find([' ', '\t']).unwrap_or(body.len());
    let interpreter = body[..interp_len].to_string();
    if interpreter.is_empty() {
        return None;
    }
    let arg = body[interp_len..].trim_start_matches([' ', '\t']);
    let arg = if arg.is_empty() || arg == "\r" {
        None
    } else {
        Some(arg.trim_end_matches([' ', '\t']).to_string())
    };
    let start = 2 + lead;
    Some(Shebang {
        interpreter,
        arg,
        range: start..start + interp_len,
        crlf,
    })
}
