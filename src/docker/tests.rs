//! Tests of the Dockerfile front end (recovery, heredocs, JSON forms, BuildKit compatibility).

use super::*;

#[test]
fn recovers_after_bad_instruction() {
    let t = "FROM alpine\nFOO bar\nCOPY\nCMD [\"a\"]\n";
    let d = parse(0, t);
    assert_eq!(d.errors.len(), 2);
    assert_eq!(&t[d.errors[0].span.clone()], "FOO bar");
    assert_eq!(&t[d.errors[1].span.clone()], "COPY");
    assert_eq!(d.stages.len(), 1);
    assert_eq!(d.stages[0].instructions.len(), 1);
}

#[test]
fn unterminated_heredoc_is_located() {
    let t = "FROM alpine\nRUN <<EOF\necho hi\n";
    let d = parse(0, t);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(&t[d.errors[0].span.clone()], "RUN <<EOF");
    assert_eq!(d.stages.len(), 1);
}

#[test]
fn json_forms() {
    let t = "FROM a AS B\nCMD ['node','app.js']\nENTRYPOINT [\"node\", 1]\nENV A=1 B=\"x y\"\nENV C hello world\n";
    let d = parse(0, t);
    assert!(d.errors.is_empty());
    let s = &d.stages[0];
    assert_eq!(s.name(), Some("b"));
    match &s.instructions[0].kind {
        InstKind::Cmd(c) => assert!(c.invalid_json && c.is_shell()),
        k => panic!("{k:?}"),
    }
    match &s.instructions[1].kind {
        InstKind::Entrypoint(c) => assert!(c.non_string_json),
        k => panic!("{k:?}"),
    }
    match &s.instructions[2].kind {
        InstKind::Env(v) => assert_eq!(
            v,
            &vec![("A".into(), "1".into()), ("B".into(), "x y".into())]
        ),
        k => panic!("{k:?}"),
    }
    match &s.instructions[3].kind {
        InstKind::Env(v) => assert_eq!(v, &vec![("C".into(), "hello world".into())]),
        k => panic!("{k:?}"),
    }
}

// Each KX002 cause matches BuildKit's parser (moby/buildkit frontend/dockerfile/parser,
// instructions/parse.go): what BuildKit accepts is no error, what it rejects stays one.

#[test]
fn buildkit_accepts_empty_entrypoint() {
    // `ENTRYPOINT []` clears the inherited entrypoint (official images do it).
    let d = parse(0, "FROM postgres:16\nENTRYPOINT []\nCMD [\"postgres\"]\n");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    match &d.stages[0].instructions[0].kind {
        InstKind::Entrypoint(c) => assert_eq!(c.args, CommandArgs::Exec(Vec::new())),
        k => panic!("{k:?}"),
    }
}

#[test]
fn buildkit_accepts_heredoc_mid_line_with_quoted_delimiter() {
    // parser.go: any word matching `^(\d*)<<(-?)\s*([^<]*)$` opens a heredoc, anywhere on
    // the line; quotes around the delimiter only turn expansion off.
    let t = "FROM python:3.12-slim\nRUN cat <<'CONF' > /etc/app.conf\nlog_level = info\nworkers = 4\nCONF\nRUN cat <<INNER > /etc/motd\nWelcome\nINNER\nCMD [\"python\"]\n";
    let d = parse(0, t);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.stages[0].instructions.len(), 3);
}

#[test]
fn buildkit_accepts_empty_heredoc_body() {
    // parser.go: the body is every line up to the delimiter, possibly none.
    let d = parse(0, "FROM alpine:3.20\nRUN echo $1 <<EOT\nEOT\n");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn buildkit_rejects_unterminated_heredoc() {
    // parser.go: "unterminated heredoc".
    let d = parse(0, "FROM alpine\nRUN cat <<'EOF' > /x\nhello\n");
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
}

#[test]
fn buildkit_duplicate_stage_name_is_no_error() {
    // dockerfile2llb/validations.go: DuplicateStageName is a lint warning; the build runs.
    let d = parse(
        0,
        "FROM alpine AS builder\nRUN echo 1\nFROM ubuntu AS builder\nRUN echo 2\n",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.stages.len(), 2);
    assert_eq!(d.stages[1].name(), Some("builder"));
}

#[test]
fn buildkit_parses_onbuild_trigger_only_in_child_builds() {
    // instructions/parse.go parseOnBuild: the trigger is parsed when a child image builds;
    // only ONBUILD, FROM and MAINTAINER are refused in the image that declares them.
    let d = parse(
        0,
        "FROM alpine AS base\nONBUILD COPPY . /app\nONBUILD RUN echo hello\n",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let d = parse(0, "FROM alpine\nONBUILD FROM debian\n");
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0]
        .message
        .contains("isn't allowed as an ONBUILD trigger"));
}

#[test]
fn crlf_and_no_from() {
    let d = parse(0, "FROM alpine\r\nRUN echo\r\nCMD [\"x\"]\r\n");
    assert!(d.errors.is_empty());
    assert_eq!(d.stages[0].instructions.len(), 2);
    let d = parse(0, "RUN x\nRUN y\n");
    assert_eq!(d.errors.len(), 1);
}

#[test]
fn stage_lookup_is_by_first_name_before_and_capped() {
    let t = "FROM alpine AS Base\nFROM base AS b\nFROM b AS base\nCOPY --from=BASE /a /a\n";
    let d = parse(0, t);
    assert_eq!(d.stages.len(), 3);
    assert_eq!(d.stage_by_ref("BASE", 3).map(|s| s.index), Some(0));
    assert_eq!(d.stage_by_ref("b", 1).map(|s| s.index), None);
    assert_eq!(d.stage_by_ref("b", 2).map(|s| s.index), Some(1));
    assert_eq!(d.stage_by_ref("1", 2).map(|s| s.index), Some(1));
    assert_eq!(d.stage_by_ref("2", 2).map(|s| s.index), None);
    assert_eq!(d.leaf_stages(), &[2]);
    assert!(d.is_leaf(2) && !d.is_leaf(0));
    // Past MAX_STAGES, stages (and their instructions) are not modelled; the first FROM past
    // the cap is recorded.
    let n = crate::budget::MAX_STAGES;
    let mut t = "FROM scratch\n".repeat(n);
    let at = t.len();
    t.push_str("FROM scratch\nCMD [\"x\"]\n");
    let d = parse(0, &t);
    assert_eq!(d.stages.len(), n);
    assert_eq!(d.stages_over, Some(at..at + "FROM scratch".len()));
    assert!(d.stages.iter().all(|s| s.instructions.is_empty()));
}
