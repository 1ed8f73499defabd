//! `--format sarif` validates against the SARIF 2.1.0 schema and carries what GitHub code
//! scanning needs: rules with helpUri, full regions, relative URIs with originalUriBaseIds.

mod common;

use common::kexit;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn sarif_of(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["lint", "--format", "sarif"];
    all.extend_from_slice(args);
    let run = kexit(dir, &all);
    assert!(
        run.code == 0 || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn validate(v: &serde_json::Value) {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&schema_path) else {
        eprintln!(
            "skipping SARIF schema validation: {} not found",
            schema_path.display()
        );
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The validator does reject what is not SARIF.
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]}))
    );
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: python:3.12-slim
      command: [\"python app.py\"]
      env:
        - name: A
          value: x
        - name: A
          value: y
";

#[test]
fn sarif_validates_and_has_what_code_scanning_needs() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "k8s/my pod.yaml", POD);
    write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n",
    );
    let v = sarif_of(tmp.path(), &["."]);
    validate(&v);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kexit::rules::RULES.len());
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert_eq!(
            r["helpUri"],
            format!("https://github.com/kexit/kexit/blob/main/rules/{id}.md")
        );
    }
    let results = run["results"].as_array().unwrap();
    let kx101 = results
        .iter()
        .find(|r| r["ruleId"] == "KX101")
        .expect("a KX101 result");
    let loc = &kx101["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "k8s/my%20pod.yaml");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 9, "startColumn": 17, "endLine": 9, "endColumn": 32})
    );
    assert_eq!(kx101["properties"]["exitCode"], 128);
    assert_eq!(kx101["level"], "error");
    let idx = kx101["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "KX101");
    // A duplicate key carries the first definition as a related location.
    let kx003 = results.iter().find(|r| r["ruleId"] == "KX003");
    if let Some(r) = kx003 {
        assert_eq!(
            r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
            11
        );
    }
}

#[test]
fn sarif_with_suppressions_and_a_custom_doc_url_validates() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "pod.yaml",
        &POD.replace(
            "[\"python app.py\"]",
            "[\"python app.py\"] # kexit:ignore KX101 -- known",
        ),
    );
    write(
        tmp.path(),
        ".kexit.yaml",
        "doc-url: https://example.com/docs/\n",
    );
    let v = sarif_of(tmp.path(), &["--show-suppressed", "."]);
    validate(&v);
    let run = &v["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["helpUri"],
        format!(
            "https://example.com/docs/{}.md",
            kexit::rules::RULES[0].code
        )
    );
    let sup = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "KX101")
        .unwrap();
    assert_eq!(sup["suppressions"][0]["kind"], "inSource");
    assert_eq!(sup["suppressions"][0]["justification"], "known");
    // Empty runs validate too.
    let empty = tempfile::tempdir().unwrap();
    validate(&sarif_of(empty.path(), &["."]));
}
