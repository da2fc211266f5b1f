//! wasm2php-difftest OUT_DIR [--seed S] [--count N]
//!
//! Random valid modules for the differential run against Wasmer (`difftest/run.php`): module `k` comes from seed
//! `S + k` (every fourth a bulk-operation module of our own, see `bulk_module`; the others from wasm-smith fed by a SplitMix64 byte stream, so the same seed gives the same module on every machine),
//! restricted to what wasm2php translates (WebAssembly 2.0 without SIMD and reference-type values), made to
//! terminate (wasm-smith's fuel global) and canonicalising NaNs (NaN bits are the one place where the spec lets
//! engines differ). Each module is written as `OUT_DIR/mK.wasm` and, translated, as `OUT_DIR/mK.php`; `index.php`
//! lists per module the exports to call and the arguments, or why the translator refused it.

use std::fmt::Write as _;

use arbitrary::Unstructured;
use wasm2php::php::{i64_lit, name_lit};
use wasm_smith::{Config, InstructionKind, InstructionKinds, Module};
use wasmparser::{Parser, Payload, TypeRef, ValType};

/// Magic and version of a binary module.
const WASM_HEADER: &[u8] = b"\0asm\x01\0\0\0";

/// Fuel per instance: loop iterations plus calls before a module traps with "unreachable" (keeps runs short and
/// recursion shallow on both backends).
const FUEL: u32 = 400;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn config(rng: &mut SplitMix) -> Config {
    Config {
        available_imports: Some(env_imports()),
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        // No reference-type values (table.get/set/size/grow/fill, externref); bulk memory gives memory.copy/fill/init,
        // data.drop, table.copy, table.init and elem.drop.
        reference_types_enabled: false,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        canonicalize_nans: true,
        export_everything: true,
        max_memories: 1,
        max_tables: 1,
        // Small memories with a maximum: the translated backend caps memory at 1 GiB where Wasmer would grow to 4 GiB.
        max_memory32_bytes: 4 << 16,
        memory_max_size_required: true,
        max_table_elements: 64,
        table_max_size_required: true,
        max_funcs: 12,
        max_types: 12,
        max_globals: 8,
        max_data_segments: 6,
        max_element_segments: 6,
        max_elements: 16,
        max_exports: 24,
        max_instructions: 20 + rng.below(200) as usize,
        max_nesting_depth: 6,
        min_funcs: 1,
        // Every kind the translator supports; `Table` only reaches table.copy/init and elem.drop here (see above).
        allowed_instructions: InstructionKinds::new(&[
            InstructionKind::Numeric,
            InstructionKind::Reference,
            InstructionKind::Parametric,
            InstructionKind::Variable,
            InstructionKind::Table,
            InstructionKind::Memory,
            InstructionKind::Control,
        ]),
        ..Config::default()
    }
}

/// A module declaring the imports that run.php provides; wasm-smith picks any subset.
fn env_imports() -> Vec<u8> {
    // (import "env" "mix" (func (param i32 i64) (result i64)))
    // (import "env" "note" (func (param i32)))
    // (import "env" "fail" (func (param i32) (result i32)))   ;; throws in PHP when its argument is odd
    let mut m = WASM_HEADER.to_vec();
    let types: &[u8] = &[
        0x03, // three types
        0x60, 0x02, 0x7f, 0x7e, 0x01, 0x7e, // (i32 i64) -> i64
        0x60, 0x01, 0x7f, 0x00, // (i32) -> ()
        0x60, 0x01, 0x7f, 0x01, 0x7f, // (i32) -> i32
    ];
    section(&mut m, 1, types);
    let mut imp = vec![0x03];
    for (name, ty) in [("mix", 0u8), ("note", 1), ("fail", 2)] {
        imp.push(3);
        imp.extend_from_slice(b"env");
        imp.push(name.len() as u8);
        imp.extend_from_slice(name.as_bytes());
        imp.extend_from_slice(&[0x00, ty]);
    }
    section(&mut m, 2, &imp);
    m
}

fn section(m: &mut Vec<u8>, id: u8, body: &[u8]) {
    m.push(id);
    m.push(body.len() as u8);
    m.extend_from_slice(body);
}

/// An argument of the given type: edge values half of the time, else random bits.
fn arg(rng: &mut SplitMix, t: ValType) -> String {
    const EDGE32: &[u32] = &[
        0,
        1,
        2,
        7,
        8,
        0xFF,
        0x7FFF_FFFF,
        0x8000_0000,
        0xFFFF_FFFF,
        0xFFFF_FFFE,
        65535,
        65536,
    ];
    const EDGE64: &[i64] = &[0, 1, -1, i64::MIN, i64::MAX, 0xFFFF_FFFF, 1 << 32, 65536];
    match t {
        ValType::I32 => {
            let v = if rng.below(2) == 0 {
                EDGE32[rng.below(EDGE32.len() as u64) as usize]
            } else if rng.below(2) == 0 {
                rng.below(300) as u32
            } else {
                rng.next() as u32
            };
            v.to_string()
        }
        _ => {
            let v = if rng.below(2) == 0 {
                EDGE64[rng.below(EDGE64.len() as u64) as usize]
            } else {
                rng.next() as i64
            };
            i64_lit(v)
        }
    }
}

/// The exported functions whose signature the PHP API can call (i32/i64 only): (name, params).
fn callable_exports(wasm: &[u8]) -> Vec<(String, Vec<ValType>)> {
    let mut types: Vec<(Vec<ValType>, Vec<ValType>)> = vec![];
    let mut funcs: Vec<u32> = vec![];
    let mut out = vec![];
    for p in Parser::new(0).parse_all(wasm) {
        match p.expect("wasm-smith output parses") {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let f = t.expect("func type");
                    types.push((f.params().to_vec(), f.results().to_vec()));
                }
            }
            Payload::ImportSection(r) => {
                for i in r {
                    if let TypeRef::Func(t) = i.expect("import").ty {
                        funcs.push(t);
                    }
                }
            }
            Payload::FunctionSection(r) => funcs.extend(r.into_iter().map(|t| t.expect("func"))),
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.expect("export");
                    if e.kind != wasmparser::ExternalKind::Func {
                        continue;
                    }
                    let (params, results) = &types[funcs[e.index as usize] as usize];
                    let int = |t: &ValType| matches!(t, ValType::I32 | ValType::I64);
                    if params.iter().all(int) && results.iter().all(int) {
                        out.push((e.name.to_string(), params.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A module of our own for every fourth seed: wasm-smith seldom has three i32 operands on its stack when it picks an
/// instruction, so it almost never emits the bulk operations; this one calls table.init / table.copy / elem.drop /
/// memory.init / memory.copy / memory.fill / data.drop on random operands, with random table, segment and data
/// layouts (offsets may be out of bounds, which traps at instantiation).
fn bulk_module(rng: &mut SplitMix) -> Vec<u8> {
    let size = rng.below(12);
    let max = size + rng.below(4);
    let funcs = 4;
    let pick = |rng: &mut SplitMix, n: u64| -> String { (0..n).map(|_| format!(" $c{}", rng.below(funcs))).collect() };
    let bytes =
        |rng: &mut SplitMix, n: u64| -> String { (0..n).map(|_| format!("\\{:02x}", rng.below(256))).collect() };
    let mut w = String::from("(module\n  (type $t (func (result i32)))\n");
    let _ = writeln!(w, "  (table {size} {max} funcref)\n  (memory (export \"memory\") 1 2)");
    for k in 0..funcs {
        let _ = writeln!(w, "  (func $c{k} (type $t) (i32.const {}))", 100 + k);
    }
    // In bounds but for one module in eight (that one traps at instantiation).
    let active_at = rng.below(size + 1);
    let active_len = if rng.below(8) == 0 {
        size + 1 - active_at
    } else {
        rng.below(size - active_at + 1).min(4)
    };
    let _ = writeln!(w, "  (elem $a (i32.const {active_at}) func{})", pick(rng, active_len));
    let passive_len = rng.below(8);
    let _ = writeln!(w, "  (elem $p func{})", pick(rng, passive_len));
    let _ = writeln!(w, "  (elem $q funcref (ref.null func) (ref.func $c1) (ref.null func))");
    let _ = writeln!(w, "  (elem $d declare func $c2)");
    let data_at = if rng.below(8) == 0 { 65530 } else { rng.below(64) };
    let data_len = rng.below(10);
    let _ = writeln!(w, "  (data (i32.const {data_at}) \"{}\")", bytes(rng, data_len));
    let pd_len = rng.below(16);
    let _ = writeln!(w, "  (data $pd \"{}\")", bytes(rng, pd_len));
    w.push_str(concat!(
        "  (func (export \"init\") (param i32 i32 i32) (table.init $p (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"initq\") (param i32 i32 i32) (table.init $q (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"inita\") (param i32 i32 i32) (table.init $a (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"initd\") (param i32 i32 i32) (table.init $d (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"copy\") (param i32 i32 i32) (table.copy (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"drop\") (elem.drop $p))\n",
        "  (func (export \"dropq\") (elem.drop $q))\n",
        "  (func (export \"call\") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))\n",
        "  (func (export \"minit\") (param i32 i32 i32) (memory.init $pd (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"mcopy\") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"mfill\") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))\n",
        "  (func (export \"ddrop\") (data.drop $pd))\n",
        "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n",
        "  (func (export \"load\") (param i32) (result i64) (i64.load (local.get 0))))\n",
    ));
    wat::parse_str(&w).expect("the bulk template is valid")
}

/// A small operand for the bulk module's calls: mostly in or near the table/segment/memory sizes, sometimes an edge.
fn bulk_arg(rng: &mut SplitMix) -> String {
    match rng.below(10) {
        0 => ["0xFFFFFFFF", "0x80000000", "65536", "65530", "131072"][rng.below(5) as usize].into(),
        1..=2 => rng.below(70000).to_string(),
        _ => rng.below(16).to_string(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out_dir = None;
    let (mut seed, mut count) = (1u64, 50u64);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" if i + 1 < args.len() => {
                seed = args[i + 1].parse().expect("--seed N");
                i += 1;
            }
            "--count" if i + 1 < args.len() => {
                count = args[i + 1].parse().expect("--count N");
                i += 1;
            }
            a if out_dir.is_none() && !a.starts_with("--") => out_dir = Some(a.to_string()),
            _ => {
                eprintln!("usage: wasm2php-difftest OUT_DIR [--seed S] [--count N]");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let Some(out_dir) = out_dir else {
        eprintln!("usage: wasm2php-difftest OUT_DIR [--seed S] [--count N]");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut index = String::from("<?php\n\n// Random modules of wasm2php-difftest: one entry per seed.\n\nreturn [\n");
    for s in seed..seed + count {
        let mut rng = SplitMix(s);
        let bulk = s % 4 == 0;
        let wasm = if bulk {
            bulk_module(&mut rng)
        } else {
            let cfg = config(&mut rng);
            let data = rng.bytes(8192);
            let mut u = Unstructured::new(&data);
            let mut module = match Module::new(cfg, &mut u) {
                Ok(m) => m,
                Err(e) => {
                    let _ = writeln!(
                        index,
                        "    [{s}, 'refused', {}],",
                        name_lit(&format!("wasm-smith: {e}"))
                    );
                    continue;
                }
            };
            module
                .ensure_termination(FUEL)
                .expect("wasm-smith generated every body");
            module.to_bytes()
        };
        let class = format!("M{s}");
        let opts = wasm2php::Options {
            namespace: "DiffTest".into(),
            class: class.clone(),
            source_note: format!("wasm2php-difftest seed {s}"),
        };
        let php = match wasm2php::translate(&wasm, &opts) {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(index, "    [{s}, 'refused', {}],", name_lit(&e));
                continue;
            }
        };
        std::fs::write(format!("{out_dir}/m{s}.wasm"), &wasm).unwrap();
        std::fs::write(format!("{out_dir}/m{s}.php"), php).unwrap();
        // A few rounds on fresh instances, each a short sequence of calls (state carries over inside a round).
        let exports = callable_exports(&wasm);
        let mut rounds = vec![];
        if !exports.is_empty() {
            for _ in 0..3 {
                let mut calls = vec![];
                for _ in 0..1 + rng.below(if bulk { 10 } else { 4 }) {
                    let (name, params) = &exports[rng.below(exports.len() as u64) as usize];
                    let a: Vec<String> = params
                        .iter()
                        .map(|t| if bulk { bulk_arg(&mut rng) } else { arg(&mut rng, *t) })
                        .collect();
                    calls.push(format!("[{}, [{}]]", name_lit(name), a.join(", ")));
                }
                rounds.push(format!("[{}]", calls.join(", ")));
            }
        }
        let _ = writeln!(
            index,
            "    [{s}, 'module', 'm{s}', {}, [{}]],",
            name_lit(&format!("DiffTest\\{class}")),
            rounds.join(", ")
        );
    }
    index.push_str("];\n");
    std::fs::write(format!("{out_dir}/index.php"), index).unwrap();
}
