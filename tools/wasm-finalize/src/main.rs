//! `wasm-finalize IN OUT`: copies a core module section by section, removing the exports rustc's linker adds for
//! toolchains (`__data_end`, `__heap_base`) that are not part of our contract in `wit/connector.wit`.
//! Deterministic: the same input always gives the same bytes.

use std::borrow::Cow;
use std::process::ExitCode;

use wasm_encoder::{ExportKind, ExportSection, Module, RawSection};
use wasmparser::{ExternalKind, Parser, Payload};

const LINKER_EXPORTS: &[&str] = &["__data_end", "__heap_base"];

fn finalize(wasm: &[u8]) -> Result<Vec<u8>, String> {
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| format!("invalid wasm: {e}"))?;
        match payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ExportSection(reader) => {
                let mut section = ExportSection::new();
                for export in reader {
                    let e = export.map_err(|e| e.to_string())?;
                    if LINKER_EXPORTS.contains(&e.name) {
                        continue;
                    }
                    let kind = match e.kind {
                        ExternalKind::Func => ExportKind::Func,
                        ExternalKind::Table => ExportKind::Table,
                        ExternalKind::Memory => ExportKind::Memory,
                        ExternalKind::Global => ExportKind::Global,
                        ExternalKind::Tag => ExportKind::Tag,
                    };
                    section.export(e.name, kind, e.index);
                }
                module.section(&section);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection { id, data: &wasm[range] });
                }
            }
        }
    }
    Ok(module.finish())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: wasm-finalize IN.wasm OUT.wasm");
        return ExitCode::from(2);
    }
    let result = std::fs::read(&args[1])
        .map_err(|e| format!("cannot read {}: {e}", args[1]))
        .and_then(|wasm| finalize(&wasm))
        .and_then(|out| std::fs::write(&args[2], out).map_err(|e| format!("cannot write {}: {e}", args[2])));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm-finalize: {}", Cow::from(e));
            ExitCode::FAILURE
        }
    }
}
