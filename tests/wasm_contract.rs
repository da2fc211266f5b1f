//! The release `.wasm` imports exactly what `wit/connector.wit` declares (interface `host`, core module "host") and
//! exports exactly `interface guest` plus "memory", with the plain scalar lowering. Nothing from wasm-bindgen or WASI.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType};
use wit_parser::{Resolve, Type, WorldItem, WorldKey};

type Sig = (Vec<ValType>, Vec<ValType>);
/// interface name -> function name -> core signature
type Contract = BTreeMap<String, BTreeMap<String, Sig>>;

fn lower(t: &Type) -> ValType {
    match t {
        Type::U32 | Type::S32 | Type::U16 | Type::S16 | Type::U8 | Type::S8 | Type::Bool | Type::Char => ValType::I32,
        Type::U64 | Type::S64 => ValType::I64,
        Type::F32 => ValType::F32,
        Type::F64 => ValType::F64,
        other => panic!("wit/ must use scalar types only at the core boundary, found {other:?}"),
    }
}

/// name of the interface -> function name -> core signature, for the world's imports and exports.
fn wit_contract() -> (Contract, Contract) {
    let mut resolve = Resolve::default();
    let (pkg, _) = resolve
        .push_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("wit"))
        .expect("wit/ parses");
    let world = resolve.select_world(pkg, Some("connector")).expect("world connector");
    let mut sides = [BTreeMap::new(), BTreeMap::new()];
    for (side, items) in [(0, &resolve.worlds[world].imports), (1, &resolve.worlds[world].exports)] {
        for (key, item) in items {
            let WorldItem::Interface { id, .. } = item else {
                panic!("only interfaces in the world")
            };
            let name = match key {
                WorldKey::Interface(i) => resolve.interfaces[*i].name.clone().unwrap(),
                WorldKey::Name(n) => n.clone(),
            };
            let mut funcs = BTreeMap::new();
            for (fname, f) in &resolve.interfaces[*id].functions {
                let params = f.params.iter().map(|(_, t)| lower(t)).collect();
                let results = f.results.iter_types().map(lower).collect();
                funcs.insert(fname.clone(), (params, results));
            }
            sides[side].insert(name, funcs);
        }
    }
    let [imports, exports] = sides;
    (imports, exports)
}

fn build_release_wasm() -> Vec<u8> {
    // The shipped module is what scripts/build-wasm.sh produces (cargo build + wasm-finalize).
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg("scripts/build-wasm.sh")
        .current_dir(root)
        .output()
        .expect("build script runs");
    assert!(
        out.status.success(),
        "release wasm build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(Path::new(root).join("build/meshcentral_connector.wasm")).expect("release wasm exists")
}

#[test]
fn release_wasm_matches_wit_exactly() {
    let (wit_imports, wit_exports) = wit_contract();
    let wasm = build_release_wasm();

    let mut types: Vec<Sig> = Vec::new();
    let mut func_type_of: Vec<u32> = Vec::new(); // function index -> type index (imports first)
    let mut imports: Contract = BTreeMap::new();
    let mut exports: BTreeMap<String, (ExternalKind, u32)> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(&wasm) {
        match payload.expect("valid wasm") {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    let f = ty.unwrap();
                    types.push((f.params().to_vec(), f.results().to_vec()));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r {
                    let imp = imp.unwrap();
                    let TypeRef::Func(t) = imp.ty else {
                        panic!("unexpected non-function import {}.{}", imp.module, imp.name)
                    };
                    func_type_of.push(t);
                    imports
                        .entry(imp.module.to_string())
                        .or_default()
                        .insert(imp.name.to_string(), types[t as usize].clone());
                }
            }
            Payload::FunctionSection(r) => func_type_of.extend(r.into_iter().map(Result::unwrap)),
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.unwrap();
                    exports.insert(e.name.to_string(), (e.kind, e.index));
                }
            }
            _ => {}
        }
    }

    assert_eq!(
        imports.keys().collect::<Vec<_>>(),
        vec!["host"],
        "imports only from module \"host\": {imports:?}"
    );
    assert_eq!(
        imports["host"], wit_imports["host"],
        "host imports differ from wit/connector.wit"
    );

    let guest = &wit_exports["guest"];
    let mut expected: Vec<&str> = guest.keys().map(String::as_str).collect();
    expected.push("memory");
    expected.sort();
    assert_eq!(
        exports.keys().map(String::as_str).collect::<Vec<_>>(),
        expected,
        "export names differ from wit/"
    );
    assert_eq!(exports["memory"].0, ExternalKind::Memory);
    for (name, sig) in guest {
        let (kind, index) = exports[name];
        assert_eq!(kind, ExternalKind::Func, "{name} must be a function");
        let actual = &types[func_type_of[index as usize] as usize];
        assert_eq!(actual, sig, "signature of export {name}");
    }
}
