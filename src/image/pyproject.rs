//! What `pip install .` of a local project installs, read from its `pyproject.toml`
//! (`[project]`, PEP 621) with a small TOML-subset reader: anything it does not understand is
//! "unknown", never a guess.

use super::pypi::pep503;

/// What `pip install .` of a project installs, from its `pyproject.toml`: the scripts of
/// `[project.scripts]` and `[project.gui-scripts]`, and its requirements (`[project]
/// dependencies`, with those of the requested extras from `[project.optional-dependencies]`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pyproject {
    pub scripts: Vec<String>,
    pub requirements: Vec<String>,
    /// `[build-system] build-backend` (None: pip's legacy setuptools build).
    pub backend: Option<String>,
}

/// Read a `pyproject.toml` (a TOML subset: tables, `key = "string"`, arrays of strings over
/// several lines, comments); None when kexit cannot tell what the project installs: no
/// `[project]` table, `dynamic` scripts or dependencies, an inline table, or any line this
/// reader does not understand inside the tables it needs.
pub fn pyproject(text: &str, extras: &[String]) -> Option<Pyproject> {
    #[derive(PartialEq)]
    enum Table {
        Project,
        Scripts,
        Optional,
        Build,
        Other,
    }
    // Backend options that put other files in `bin`: setuptools' `script-files`, hatch's
    // `shared-scripts`/`shared-data`, poetry's own scripts table.
    if [
        "script-files",
        "shared-scripts",
        "shared-data",
        "tool.poetry.scripts",
    ]
    .iter()
    .any(|k| text.contains(k))
    {
        return None;
    }
    let mut table = Table::Other;
    let mut seen_project = false;
    let mut out = Pyproject::default();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = strip_comment(line)?.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(h) = line.strip_prefix('[') {
            let h = h.strip_suffix(']')?.trim();
            // `[project.entry-points…]` are plugin entry points, not scripts; other
            // `project.*` tables (urls, authors) install nothing.
            table = match h {
                "project" => Table::Project,
                "project.scripts" | "project.gui-scripts" => Table::Scripts,
                "project.optional-dependencies" => Table::Optional,
                "build-system" => Table::Build,
                _ => Table::Other,
            };
            seen_project |= h == "project";
            continue;
        }
        if table == Table::Other {
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let key = key.trim().trim_matches(['"', '\'']);
        let mut value = value.trim().to_string();
        if value.starts_with('{') {
            return None; // an inline table (`scripts = {…}` inside [project])
        }
        if value.starts_with('[') {
            // An array, possibly over several lines.
            while !array_closed(&value)? {
                value.push(' ');
                value.push_str(strip_comment(lines.next()?)?.trim());
            }
        }
        match table {
            Table::Project => match key {
                "dynamic" => {
                    let d = strings(&value)?;
                    if d.iter().any(|k| {
                        matches!(k.as_str(), "scripts" | "gui-scripts" | "dependencies")
                            || (k == "optional-dependencies" && !extras.is_empty())
                    }) {
                        return None;
                    }
                }
                "dependencies" => out.requirements.extend(strings(&value)?),
                "scripts" | "gui-scripts" | "optional-dependencies" => return None,
                _ => {}
            },
            Table::Scripts => {
                strings(&format!("[{value}]"))?;
                out.scripts.push(key.to_string());
            }
            Table::Optional => {
                let deps = strings(&value)?;
                if extras.iter().any(|e| *e == pep503(key)) {
                    out.requirements.extend(deps);
                }
            }
            Table::Build => {
                if key == "build-backend" {
                    out.backend = strings(&format!("[{value}]"))?.into_iter().next();
                }
            }
            Table::Other => {}
        }
    }
    seen_project.then_some(out)
}

/// A line without its `#` comment; None when a string is not closed on it, or uses escapes or
/// multi-line quotes (this reader does not follow them).
fn strip_comment(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => return None,
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                let rest = &line[i..];
                if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
                    return None;
                }
                quote = Some(c);
            }
            None if c == '#' => return Some(&line[..i]),
            None => {}
        }
    }
    quote.is_none().then_some(line)
}

/// Whether an array value's brackets are balanced (None: a `]` too many).
fn array_closed(value: &str) -> Option<bool> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in value.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' => depth += 1,
            None if c == ']' => depth -= 1,
            None => {}
        }
        if depth < 0 {
            return None;
        }
    }
    Some(depth == 0)
}

/// The strings of a one-level array of strings (`["a", 'b',]`); None for anything else.
fn strings(value: &str) -> Option<Vec<String>> {
    let inner = value.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let q = rest.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let end = rest[1..].find(q)? + 1;
        out.push(rest[1..end].to_string());
        rest = rest[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if !rest.is_empty() && !rest.starts_with(['"', '\'']) {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyproject_tables() {
        let text = r#"
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "app"  # the app
version = "0.1.0"
dependencies = [
    "flask>=3",   # web
    'requests',
]

[project.optional-dependencies]
serve = ["gunicorn"]

[project.scripts]
app-cli = "app.cli:main"

[tool.ruff]
line-length = 100
"#;
        let p = pyproject(text, &[]).unwrap();
        assert_eq!(p.scripts, ["app-cli"]);
        assert_eq!(p.requirements, ["flask>=3", "requests"]);
        assert_eq!(p.backend.as_deref(), Some("hatchling.build"));
        let p = pyproject(text, &["serve".to_string()]).unwrap();
        assert_eq!(p.requirements, ["flask>=3", "requests", "gunicorn"]);
        for bad in [
            "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]\n",
            "[project]\nscripts = { a = \"b:c\" }\n",
            "[tool.poetry]\nname = \"x\"\n",
            "[project]\ndependencies = [\"a\\\"b\"]\n",
            "[project]\ndependencies = [\n\"a\",\n",
            "[project]\nname = \"x\"\n[tool.setuptools]\nscript-files = [\"bin/x\"]\n",
        ] {
            assert!(pyproject(bad, &[]).is_none(), "{bad}");
        }
    }
}
