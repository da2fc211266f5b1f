//! Reads a core WebAssembly module into `ParsedWasm`: the plain facts the code generator needs.

use wasmparser::{
    CompositeInnerType, DataKind, ElementItems, ElementKind, ExternalKind, FunctionBody, Operator, Parser, Payload,
    TypeRef, ValType, Validator, WasmFeatures,
};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// A constant expression as the translator supports it (MVP + 2.0: one constant, `global.get`, `ref.null`, `ref.func`).
#[derive(Clone, Debug)]
pub enum ConstInit {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    Global(u32),
    RefNull,
    RefFunc(u32),
}

#[derive(Clone, Debug)]
pub struct Global {
    pub ty: ValType,
    pub mutable: bool,
    /// None for an imported global.
    pub init: Option<ConstInit>,
    pub import: Option<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub initial: u64,
    pub maximum: Option<u64>,
}

#[derive(Clone, Debug)]
pub enum SegMode {
    Passive,
    Declared,
    Active { index: u32, offset: ConstInit },
}

#[derive(Clone, Debug)]
pub struct ElemSeg {
    pub mode: SegMode,
    /// Function index per item, None for ref.null.
    pub items: Vec<Option<u32>>,
}

#[derive(Clone, Debug)]
pub struct DataSeg {
    pub mode: SegMode,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub type_index: u32,
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub kind: ExternalKind,
    pub index: u32,
}

pub struct ParsedWasm<'a> {
    pub types: Vec<FuncType>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    pub imports: Vec<Import>,
    pub globals: Vec<Global>,
    /// (initial pages, maximum pages)
    pub memory: Option<(u64, Option<u64>)>,
    pub tables: Vec<Table>,
    pub elems: Vec<ElemSeg>,
    pub data: Vec<DataSeg>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub bodies: Vec<FunctionBody<'a>>,
}

impl ParsedWasm<'_> {
    pub fn num_imported_funcs(&self) -> u32 {
        self.imports.len() as u32
    }
    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.func_types[func as usize] as usize]
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

pub fn const_init(expr: &wasmparser::ConstExpr<'_>, what: &str) -> Result<ConstInit, String> {
    let mut reader = expr.get_operators_reader();
    let mut out = None;
    while !reader.eof() {
        let op = reader.read().map_err(err)?;
        let v = match op {
            Operator::I32Const { value } => ConstInit::I32(value),
            Operator::I64Const { value } => ConstInit::I64(value),
            Operator::F32Const { value } => ConstInit::F32(value.bits()),
            Operator::F64Const { value } => ConstInit::F64(value.bits()),
            Operator::GlobalGet { global_index } => ConstInit::Global(global_index),
            Operator::RefNull { .. } => ConstInit::RefNull,
            Operator::RefFunc { function_index } => ConstInit::RefFunc(function_index),
            Operator::End => continue,
            other => {
                return Err(format!(
                    "unsupported instruction {other:?} in the constant expression of {what}"
                ))
            }
        };
        if out.is_some() {
            return Err(format!("unsupported extended constant expression in {what}"));
        }
        out = Some(v);
    }
    out.ok_or_else(|| format!("empty constant expression in {what}"))
}

pub fn parse(wasm: &[u8]) -> Result<ParsedWasm<'_>, String> {
    // Validate first: the generator then relies on well-typed code. Features: WebAssembly 2.0 (no SIMD, which is
    // rejected below with a clearer message than a validation error would give).
    let features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::SIMD
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    Validator::new_with_features(features)
        .validate_all(wasm)
        .map_err(|e| format!("invalid module: {e}"))?;

    let mut m = ParsedWasm {
        types: vec![],
        func_types: vec![],
        imports: vec![],
        globals: vec![],
        memory: None,
        tables: vec![],
        elems: vec![],
        data: vec![],
        exports: vec![],
        start: None,
        bodies: vec![],
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(err)?.into_types() {
                        match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => m.types.push(FuncType {
                                params: f.params().to_vec(),
                                results: f.results().to_vec(),
                            }),
                            _ => return Err("unsupported type: only function types (no GC)".into()),
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for imp in reader {
                    let imp = imp.map_err(err)?;
                    match imp.ty {
                        TypeRef::Func(t) => {
                            m.func_types.push(t);
                            m.imports.push(Import {
                                module: imp.module.into(),
                                name: imp.name.into(),
                                type_index: t,
                            });
                        }
                        TypeRef::Global(g) => m.globals.push(Global {
                            ty: g.content_type,
                            mutable: g.mutable,
                            init: None,
                            import: Some((imp.module.into(), imp.name.into())),
                        }),
                        other => {
                            return Err(format!(
                                "unsupported import {}.{} ({other:?}): only functions and globals can be imported",
                                imp.module, imp.name
                            ))
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    m.func_types.push(t.map_err(err)?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    let t = t.map_err(err)?;
                    if !matches!(t.init, wasmparser::TableInit::RefNull) {
                        return Err("unsupported table initializer expression".into());
                    }
                    if !t.ty.element_type.is_func_ref() {
                        return Err("unsupported table element type (only funcref)".into());
                    }
                    m.tables.push(Table {
                        initial: t.ty.initial,
                        maximum: t.ty.maximum,
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    let mem = mem.map_err(err)?;
                    if m.memory.is_some() {
                        return Err("unsupported: more than one memory".into());
                    }
                    if mem.memory64 || mem.shared || mem.page_size_log2.is_some() {
                        return Err("unsupported memory type (memory64, shared or custom page size)".into());
                    }
                    m.memory = Some((mem.initial, mem.maximum));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g.map_err(err)?;
                    let what = format!("global {}", m.globals.len());
                    m.globals.push(Global {
                        ty: g.ty.content_type,
                        mutable: g.ty.mutable,
                        init: Some(const_init(&g.init_expr, &what)?),
                        import: None,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(err)?;
                    m.exports.push(Export {
                        name: e.name.into(),
                        kind: e.kind,
                        index: e.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e.map_err(err)?;
                    let what = format!("element segment {}", m.elems.len());
                    let mode = match e.kind {
                        ElementKind::Passive => SegMode::Passive,
                        ElementKind::Declared => SegMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_init(&offset_expr, &what)?,
                        },
                    };
                    let mut items = vec![];
                    match e.items {
                        ElementItems::Functions(r) => {
                            for f in r {
                                items.push(Some(f.map_err(err)?));
                            }
                        }
                        ElementItems::Expressions(_, r) => {
                            for x in r {
                                match const_init(&x.map_err(err)?, &what)? {
                                    ConstInit::RefFunc(f) => items.push(Some(f)),
                                    ConstInit::RefNull => items.push(None),
                                    other => return Err(format!("unsupported element expression {other:?} in {what}")),
                                }
                            }
                        }
                    }
                    m.elems.push(ElemSeg { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d.map_err(err)?;
                    let what = format!("data segment {}", m.data.len());
                    let mode = match d.kind {
                        DataKind::Passive => SegMode::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegMode::Active {
                            index: memory_index,
                            offset: const_init(&offset_expr, &what)?,
                        },
                    };
                    m.data.push(DataSeg {
                        mode,
                        bytes: d.data.to_vec(),
                    });
                }
            }
            Payload::CodeSectionEntry(body) => m.bodies.push(body),
            Payload::TagSection(_) => return Err("unsupported: exception tags".into()),
            _ => {}
        }
    }
    if m.bodies.len() + m.imports.len() != m.func_types.len() {
        return Err("function and code sections disagree".into());
    }
    Ok(m)
}
