//! wasm2php: ahead-of-time translation of a core WebAssembly module into one PHP class.
//!
//! The generated class extends `MeshCentralConnector\Translated\GeneratedCode` (php-host/src/Translated/GeneratedCode.php),
//! which holds the linear memory and the arithmetic helpers. See `func.rs` for how values and control flow are mapped.

mod func;
pub mod parsed;
pub mod php;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use wasmparser::{ExternalKind, Operator, ValType};

use parsed::{ConstInit, ParsedWasm, SegMode};

pub struct Options {
    /// Fully qualified namespace of the generated class (without leading backslash).
    pub namespace: String,
    pub class: String,
    /// Written into the header comment (e.g. the input file name and its hash).
    pub source_note: String,
}

fn type_name(t: &ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(r) if r.is_func_ref() => "funcref",
        ValType::Ref(_) => "externref",
    }
}

fn type_list(ts: &[ValType]) -> String {
    let v: Vec<String> = ts.iter().map(|t| format!("'{}'", type_name(t))).collect();
    format!("[{}]", v.join(", "))
}

/// The canonical signature id of a type: the first type index with the same structure (call_indirect compares
/// signatures structurally).
pub(crate) fn sig_id(m: &ParsedWasm<'_>, type_index: u32) -> u32 {
    let t = &m.types[type_index as usize];
    m.types.iter().position(|x| x == t).unwrap() as u32
}

pub(crate) fn const_code(c: &ConstInit) -> String {
    match c {
        ConstInit::I32(v) => (*v as u32).to_string(),
        ConstInit::I64(v) => php::i64_lit(*v),
        ConstInit::F32(b) => b.to_string(),
        ConstInit::F64(b) => php::f64_lit(*b),
        ConstInit::Global(g) => format!("$this->g{g}"),
        ConstInit::RefNull => "null".into(),
        ConstInit::RefFunc(f) => f.to_string(),
    }
}

/// Functions that can take part in a recursion (a cycle in the call graph, call_indirect counting as a call to
/// every function placed in a table): only these count call depth, so leaf and acyclic code pays nothing.
fn recursive_functions(m: &ParsedWasm<'_>) -> Result<Vec<bool>, String> {
    let n = m.func_types.len();
    let nimp = m.num_imported_funcs() as usize;
    let mut in_table: Vec<u32> = vec![];
    for e in &m.elems {
        for f in e.items.iter().flatten() {
            in_table.push(*f);
        }
    }
    in_table.sort_unstable();
    in_table.dedup();
    let mut edges: Vec<Vec<u32>> = vec![vec![]; n];
    for (i, body) in m.bodies.iter().enumerate() {
        let f = nimp + i;
        let mut r = body.get_operators_reader().map_err(|e| e.to_string())?;
        let mut set = BTreeSet::new();
        while !r.eof() {
            match r.read().map_err(|e| e.to_string())? {
                Operator::Call { function_index } => {
                    set.insert(function_index);
                }
                Operator::CallIndirect { .. } => set.extend(in_table.iter().copied()),
                _ => {}
            }
        }
        edges[f] = set.into_iter().collect();
    }
    // Tarjan's SCC, iterative.
    let mut index = vec![u32::MAX; n];
    let mut low = vec![0u32; n];
    let mut on = vec![false; n];
    let mut st: Vec<usize> = vec![];
    let mut counted = vec![false; n];
    let mut next = 0u32;
    for root in 0..n {
        if index[root] != u32::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((v, ei)) = work.pop() {
            if ei == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                st.push(v);
                on[v] = true;
            }
            if ei < edges[v].len() {
                work.push((v, ei + 1));
                let w = edges[v][ei] as usize;
                if index[w] == u32::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            // v done: propagate to parent
            if low[v] == index[v] {
                let mut comp = vec![];
                loop {
                    let w = st.pop().unwrap();
                    on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = comp.len() > 1 || edges[v].contains(&(v as u32));
                if cyclic {
                    for w in comp {
                        counted[w] = true;
                    }
                }
            }
            if let Some(&(p, _)) = work.last() {
                low[p] = low[p].min(low[v]);
            }
        }
    }
    Ok(counted)
}

pub fn translate(wasm: &[u8], opts: &Options) -> Result<String, String> {
    // The class and namespace are written into code unquoted: refuse anything but plain identifiers.
    if !php::is_ident(&opts.class) || !opts.namespace.split('\\').all(php::is_ident) {
        return Err("invalid class or namespace name".into());
    }
    let m = parsed::parse(wasm)?;
    let nimp = m.num_imported_funcs();
    let counted = recursive_functions(&m)?;

    let mut methods = String::new();
    let mut uses_memory = false;
    for (i, imp) in m.imports.iter().enumerate() {
        let ft = &m.types[imp.type_index as usize];
        let args: Vec<String> = (0..ft.params.len()).map(|k| format!("$a{k}")).collect();
        let _ = writeln!(
            methods,
            "    /** import {}.{} */\n    private function f{i}({})\n    {{\n        return ($this->h{i})({});\n    }}\n",
            php::comment_text(&imp.module),
            php::comment_text(&imp.name),
            args.join(", "),
            args.join(", ")
        );
    }
    for f in nimp..m.func_types.len() as u32 {
        let ft = m.func_type(f);
        let params: Vec<String> = (0..ft.params.len()).map(|k| format!("$l{k}")).collect();
        let gen = func::FuncGen::new(&m, f, counted[f as usize]);
        let (body, mem) = gen.translate()?;
        uses_memory |= mem;
        let _ = writeln!(
            methods,
            "    private function f{f}({})\n    {{\n{body}    }}\n",
            params.join(", ")
        );
    }
    let _ = uses_memory;

    // Exports.
    let mut exports = String::new();
    let mut export_methods = String::new();
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for e in &m.exports {
        match e.kind {
            ExternalKind::Func => {
                let ft = m.func_type(e.index);
                let mut name = format!("x_{}", php::ident(&e.name));
                while !used_names.insert(name.to_ascii_lowercase()) {
                    name.push('_');
                }
                let args: Vec<String> = (0..ft.params.len()).map(|k| format!("$a{k}")).collect();
                let _ = writeln!(
                    export_methods,
                    "    /** export {} */\n    public function {name}({})\n    {{\n        return $this->f{}({});\n    }}\n",
                    php::comment_text(&e.name),
                    args.join(", "),
                    e.index,
                    args.join(", ")
                );
                let _ = writeln!(
                    exports,
                    "        {} => ['func', '{name}', {}, {}],",
                    php::name_lit(&e.name),
                    type_list(&ft.params),
                    type_list(&ft.results)
                );
            }
            ExternalKind::Memory => {
                let _ = writeln!(exports, "        {} => ['memory'],", php::name_lit(&e.name));
            }
            ExternalKind::Global => {
                let g = &m.globals[e.index as usize];
                let _ = writeln!(
                    exports,
                    "        {} => ['global', 'g{}', '{}', {}],",
                    php::name_lit(&e.name),
                    e.index,
                    type_name(&g.ty),
                    g.mutable
                );
            }
            ExternalKind::Table => {
                let _ = writeln!(
                    exports,
                    "        {} => ['table', 't{}'],",
                    php::name_lit(&e.name),
                    e.index
                );
            }
            ExternalKind::Tag => return Err("unsupported export kind: tag".into()),
        }
    }

    let mut imports = String::new();
    for imp in &m.imports {
        let ft = &m.types[imp.type_index as usize];
        let _ = writeln!(
            imports,
            "        [{}, {}, {}, {}],",
            php::name_lit(&imp.module),
            php::name_lit(&imp.name),
            type_list(&ft.params),
            type_list(&ft.results)
        );
    }
    let mut import_globals = String::new();
    for g in &m.globals {
        if let Some((module, name)) = &g.import {
            let _ = writeln!(
                import_globals,
                "        [{}, {}, '{}', {}],",
                php::name_lit(module),
                php::name_lit(name),
                type_name(&g.ty),
                g.mutable
            );
        }
    }

    // Function tables for call_indirect.
    let ft_ids: Vec<String> = (0..m.func_types.len())
        .map(|f| sig_id(&m, m.func_types[f]).to_string())
        .collect();
    let fn_names: Vec<String> = (0..m.func_types.len()).map(|f| format!("'f{f}'")).collect();

    // Constructor.
    let mut ctor = String::new();
    for i in 0..nimp {
        let _ = writeln!(ctor, "        $this->h{i} = $imports[{i}];");
    }
    let mut gi = 0;
    for (i, g) in m.globals.iter().enumerate() {
        match &g.init {
            None => {
                let _ = writeln!(ctor, "        $this->g{i} = $globals[{gi}];");
                gi += 1;
            }
            Some(c) => {
                let _ = writeln!(ctor, "        $this->g{i} = {};", const_code(c));
            }
        }
    }
    let mut consts = String::new();
    if let Some((initial, max)) = m.memory {
        let max = max.unwrap_or(65536).min(65536);
        let _ = writeln!(ctor, "        $this->maxPages = {max};");
        let total = initial * 65536;
        // Fast path: constant, sorted, disjoint segments inside the initial memory become one concatenation.
        let mut fast = true;
        let mut pos = 0u64;
        let mut parts: Vec<String> = vec![];
        for d in &m.data {
            if let SegMode::Active { offset, .. } = &d.mode {
                match offset {
                    ConstInit::I32(o)
                        if (*o as u32 as u64) >= pos && (*o as u32 as u64) + d.bytes.len() as u64 <= total =>
                    {
                        let o = *o as u32 as u64;
                        if o > pos {
                            parts.push(format!("\\str_repeat(\"\\0\", {})", o - pos));
                        }
                        if !d.bytes.is_empty() {
                            parts.push(php::string_lit(&d.bytes));
                        }
                        pos = o + d.bytes.len() as u64;
                    }
                    _ => fast = false,
                }
            }
        }
        if fast {
            if total > pos {
                parts.push(format!("\\str_repeat(\"\\0\", {})", total - pos));
            }
            if parts.is_empty() {
                parts.push("''".into());
            }
            let _ = writeln!(ctor, "        $this->mem = {};", parts.join("\n            . "));
        } else {
            let _ = writeln!(ctor, "        $this->mem = \\str_repeat(\"\\0\", {total});");
        }
        let _ = fast;
        // Element segments are applied before data segments (WebAssembly 2.0 instantiation order).
        tables_and_elems(&m, &mut ctor, &mut consts);
        for (i, d) in m.data.iter().enumerate() {
            match &d.mode {
                SegMode::Active { offset, .. } => {
                    if !fast {
                        let _ = writeln!(
                            ctor,
                            "        $this->initActive({}, {});",
                            const_code(offset),
                            php::string_lit(&d.bytes)
                        );
                    }
                    let _ = writeln!(ctor, "        $this->dropped[{i}] = true;");
                    let _ = writeln!(consts, "    private const D{i} = '';");
                }
                _ => {
                    let _ = writeln!(consts, "    private const D{i} = {};", php::string_lit(&d.bytes));
                }
            }
        }
    } else {
        tables_and_elems(&m, &mut ctor, &mut consts);
        for (i, d) in m.data.iter().enumerate() {
            let _ = writeln!(consts, "    private const D{i} = {};", php::string_lit(&d.bytes));
        }
    }
    if let Some(s) = m.start {
        let _ = writeln!(ctor, "        $this->f{s}();");
    }

    let mut props = String::new();
    for i in 0..nimp {
        let _ = writeln!(props, "    /** @var callable */\n    private $h{i};");
    }
    for i in 0..m.globals.len() {
        let _ = writeln!(props, "    public $g{i};");
    }
    for i in 0..m.tables.len() {
        let _ = writeln!(props, "    /** @var array<int, int|null> */\n    public $t{i} = [];");
    }

    let mut out = String::new();
    let _ = write!(
        out,
        "<?php\n\n// Generated by wasm2php from {note}. Do not edit: regenerate with tools/wasm2php.\n\n\
         declare(strict_types=1);\n\nnamespace {ns};\n\n\
         use MeshCentralConnector\\Translated\\GeneratedCode;\nuse MeshCentralConnector\\Translated\\Trap;\n\n\
         final class {class} extends GeneratedCode\n{{\n\
         \x20   /** Exports: name => ['func', method, params, results] | ['memory'] | ['global', property, type, mutable] | ['table', property]. */\n\
         \x20   public const EXPORTS = [\n{exports}    ];\n\n\
         \x20   /** Function imports in order: [module, name, params, results]; the constructor takes one callable each. */\n\
         \x20   public const IMPORTS = [\n{imports}    ];\n\n\
         \x20   /** Global imports in order: [module, name, type, mutable]. */\n\
         \x20   public const IMPORT_GLOBALS = [\n{import_globals}    ];\n\n\
         \x20   private const FT = [{ft}];\n\
         \x20   private const FN = [{fnn}];\n\
         {consts}\n{props}\n\
         \x20   /**\n\
         \x20    * @param list<callable> $imports one callable per entry of IMPORTS, taking and returning canonical values\n\
         \x20    * @param list<int|float> $globals one value per entry of IMPORT_GLOBALS\n\
         \x20    */\n\
         \x20   public function __construct(array $imports = [], array $globals = [], int $maxDepth = 10000)\n\
         \x20   {{\n\
         \x20       $this->maxDepth = $maxDepth;\n{ctor}    }}\n\n{export_methods}{methods}}}\n",
        note = php::comment_text(&opts.source_note),
        ns = opts.namespace,
        class = opts.class,
        ft = ft_ids.join(", "),
        fnn = fn_names.join(", "),
    );
    Ok(out)
}

fn tables_and_elems(m: &ParsedWasm<'_>, ctor: &mut String, consts: &mut String) {
    for (i, t) in m.tables.iter().enumerate() {
        let _ = writeln!(ctor, "        $this->t{i} = \\array_fill(0, {}, null);", t.initial);
        let _ = writeln!(
            ctor,
            "        $this->tableMax[{i}] = {};",
            t.maximum.unwrap_or(u32::MAX as u64)
        );
    }
    for (i, e) in m.elems.iter().enumerate() {
        let items: Vec<String> = e
            .items
            .iter()
            .map(|x| x.map(|f| f.to_string()).unwrap_or_else(|| "null".into()))
            .collect();
        let _ = writeln!(consts, "    private const E{i} = [{}];", items.join(", "));
        match &e.mode {
            SegMode::Active { index, offset } => {
                let _ = writeln!(
                    ctor,
                    "        $this->initTable($this->t{index}, {}, self::E{i});",
                    const_code(offset)
                );
                // An active segment is dropped once applied, a declarative one from the start (spec: instantiation).
                let _ = writeln!(ctor, "        $this->droppedElems[{i}] = true;");
            }
            SegMode::Declared => {
                let _ = writeln!(ctor, "        $this->droppedElems[{i}] = true;");
            }
            SegMode::Passive => {}
        }
    }
}
