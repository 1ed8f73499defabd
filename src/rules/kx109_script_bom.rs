//! KX109 script-bom: Script starts with a UTF-8 BOM before `#!`.

use crate::finding::Finding;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::rules::exec;

pub static RULE: Rule = Rule {
    meta: &meta::KX109,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| match fact {
        ExecFact::ScriptBom { run } => Some(exec::exec_format_error(
            p,
            &RULE,
            run,
            ", which starts with a UTF-8 byte-order mark before `#!`: the kernel does not see the shebang and refuses the file",
            "Save the script as UTF-8 without BOM",
        )),
        _ => None,
    });
}
