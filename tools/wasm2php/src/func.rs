//! Translates one function body into a PHP method body.
//!
//! Values:
//! - i32: a PHP int in 0..2^32-1 (the unsigned spelling). Addresses need no masking and unsigned compares are plain.
//! - i64: a PHP int (PHP ints are 64-bit two's complement); add/sub/mul that overflow (PHP makes a float) are redone
//!   by wrapping helpers.
//! - f32: its bit pattern as an i32-style int (exact for NaN payloads); arithmetic goes through helpers.
//! - f64: a PHP float.
//!
//! The operand stack is kept at translation time: pure expressions over constants, locals and stack slots stay
//! symbolic until they are consumed, so `a + b < c` becomes one PHP expression. Anything with an effect or a trap
//! (loads, calls, division, global reads) is written to a slot variable `$sN` (N = stack position) at once, which keeps
//! the order of effects exactly the Wasm order. Control flow uses `goto` (measured faster than `while`/`break N` on
//! PHP 8.2, and it maps one-to-one onto Wasm labels).

use std::collections::HashMap;
use std::fmt::Write as _;

use wasmparser::{BlockType, MemArg, Operator, ValType};

use crate::parsed::ParsedWasm;
use crate::php;

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Const,
    Local(u32),
    Slot(usize),
    Expr,
    /// A PHP bool expression standing for an i32 0/1.
    Bool,
}

#[derive(Clone, Debug)]
struct Entry {
    code: String,
    kind: Kind,
    locals: Vec<u32>,
    slots: Vec<usize>,
}

impl Entry {
    fn konst(code: String) -> Self {
        Entry {
            code,
            kind: Kind::Const,
            locals: vec![],
            slots: vec![],
        }
    }
    fn slot(i: usize) -> Self {
        Entry {
            code: format!("$s{i}"),
            kind: Kind::Slot(i),
            locals: vec![],
            slots: vec![i],
        }
    }
    fn local(i: u32) -> Self {
        Entry {
            code: format!("$l{i}"),
            kind: Kind::Local(i),
            locals: vec![i],
            slots: vec![],
        }
    }
    /// The value as a PHP int/float expression.
    fn val(&self) -> String {
        if self.kind == Kind::Bool {
            format!("({} ? 1 : 0)", self.code)
        } else {
            self.code.clone()
        }
    }
    /// The value as a PHP condition (true when non-zero).
    fn cond(&self) -> String {
        self.code.clone()
    }
    fn is_simple(&self) -> bool {
        matches!(self.kind, Kind::Const | Kind::Local(_) | Kind::Slot(_))
    }
    fn const_u64(&self) -> Option<i64> {
        if self.kind == Kind::Const {
            let c = self.code.trim_start_matches('(').trim_end_matches(')');
            c.parse::<i64>().ok()
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    base: usize,
    params: usize,
    results: usize,
    label: u32,
    targeted: bool,
    dead: bool,
    entry_reachable: bool,
    then_end_reachable: bool,
    saved_params: Vec<Entry>,
}

pub struct FuncGen<'m, 'a> {
    m: &'m ParsedWasm<'a>,
    pub index: u32,
    out: String,
    indent: usize,
    stack: Vec<Entry>,
    ctrl: Vec<Ctrl>,
    reachable: bool,
    next_label: u32,
    nlocals: u32,
    counted: bool,
    pub uses_memory: bool,
    /// Initial memory size in bytes: constant addresses below it need no bounds check (memory never shrinks).
    min_memory: u64,
    results: usize,
    /// (slot, byte offset of `$sN` in `out`, end of that line): lets `local.set` take over a fresh slot write.
    last_write: Option<(usize, usize, usize)>,
    /// Per variable (`$lN`/`$sN`): the largest `offset + size` already bounds-checked on it since it was last written.
    checked: HashMap<String, u64>,
    /// The largest constant address end already bounds-checked.
    const_checked: u64,
    /// A store of a computed value: the prologue loads the byte table into `$c`.
    uses_chr: bool,
}

const MASK: &str = "0xFFFFFFFF";

fn bt_arity(m: &ParsedWasm<'_>, bt: BlockType) -> (usize, usize) {
    match bt {
        BlockType::Empty => (0, 0),
        BlockType::Type(_) => (0, 1),
        BlockType::FuncType(t) => {
            let ft = &m.types[t as usize];
            (ft.params.len(), ft.results.len())
        }
    }
}

fn merge(a: &Entry, b: &Entry) -> (Vec<u32>, Vec<usize>) {
    let mut l = a.locals.clone();
    for x in &b.locals {
        if !l.contains(x) {
            l.push(*x);
        }
    }
    let mut s = a.slots.clone();
    for x in &b.slots {
        if !s.contains(x) {
            s.push(*x);
        }
    }
    (l, s)
}

impl<'m, 'a> FuncGen<'m, 'a> {
    pub fn new(m: &'m ParsedWasm<'a>, index: u32, counted: bool) -> Self {
        FuncGen {
            m,
            index,
            out: String::new(),
            indent: 2,
            stack: vec![],
            ctrl: vec![],
            reachable: true,
            next_label: 0,
            nlocals: 0,
            counted,
            uses_memory: false,
            min_memory: m.memory.map(|(i, _)| i * 65536).unwrap_or(0),
            results: 0,
            last_write: None,
            checked: HashMap::new(),
            const_checked: 0,
            uses_chr: false,
        }
    }

    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    // ---- operand stack -------------------------------------------------------------------------------------

    fn pop(&mut self) -> Entry {
        self.stack.pop().expect("validated: operand stack underflow")
    }

    fn push(&mut self, e: Entry) {
        self.stack.push(e);
    }

    fn push_expr(&mut self, code: String, deps: &[&Entry]) {
        let mut locals = vec![];
        let mut slots = vec![];
        for d in deps {
            for x in &d.locals {
                if !locals.contains(x) {
                    locals.push(*x);
                }
            }
            for x in &d.slots {
                if !slots.contains(x) {
                    slots.push(*x);
                }
            }
        }
        self.stack.push(Entry {
            code,
            kind: Kind::Expr,
            locals,
            slots,
        });
    }

    fn push_bool(&mut self, code: String, a: &Entry, b: Option<&Entry>) {
        let (locals, slots) = match b {
            Some(b) => merge(a, b),
            None => (a.locals.clone(), a.slots.clone()),
        };
        self.stack.push(Entry {
            code,
            kind: Kind::Bool,
            locals,
            slots,
        });
    }

    /// Writes `$s{i} = code;`, first saving any other pending expression that still reads `$s{i}`.
    fn write_slot(&mut self, i: usize, code: &str) {
        for j in 0..self.stack.len() {
            if j != i && self.stack[j].slots.contains(&i) && self.stack[j].kind != Kind::Slot(j) {
                self.materialize(j, false);
            }
        }
        self.forget(&format!("$s{i}"));
        let line = format!("$s{i} = {code};");
        self.line(&line);
        let end = self.out.len();
        self.last_write = Some((i, end - line.len() - 1, end));
    }

    fn materialize(&mut self, i: usize, force_const: bool) {
        let e = &self.stack[i];
        if e.kind == Kind::Slot(i) || (e.kind == Kind::Const && !force_const) {
            return;
        }
        let code = e.val();
        self.write_slot(i, &code);
        self.stack[i] = Entry::slot(i);
    }

    fn flush_all(&mut self) {
        for i in 0..self.stack.len() {
            self.materialize(i, false);
        }
    }

    /// Makes the entry at `depth` from the top a plain variable or constant (it is about to be used twice).
    fn simple(&mut self, depth: usize) {
        let i = self.stack.len() - 1 - depth;
        if !self.stack[i].is_simple() {
            self.materialize(i, false);
        }
    }

    /// Pushes the result of an effectful expression: evaluated now, into the slot it occupies.
    fn push_now(&mut self, code: &str) {
        let i = self.stack.len();
        self.write_slot(i, code);
        self.stack.push(Entry::slot(i));
    }

    fn label(&mut self) -> u32 {
        self.next_label += 1;
        self.next_label
    }

    // ---- control -----------------------------------------------------------------------------------------

    fn emit_return(&mut self) {
        let n = self.results;
        let vals: Vec<String> = self.stack[self.stack.len() - n..].iter().map(|e| e.val()).collect();
        if self.counted {
            self.line("--$this->depth;");
        }
        match n {
            0 => self.line("return;"),
            1 => {
                let l = format!("return {};", vals[0]);
                self.line(&l)
            }
            _ => {
                let l = format!("return [{}];", vals.join(", "));
                self.line(&l)
            }
        }
    }

    /// The code of a branch to the label `depth` levels out (the values it carries are on top of the stack).
    fn emit_br(&mut self, depth: u32) {
        let ci = self.ctrl.len() - 1 - depth as usize;
        if self.ctrl[ci].kind == CtrlKind::Func {
            self.emit_return();
            return;
        }
        let (arity, base, label) = {
            let c = &mut self.ctrl[ci];
            if c.kind == CtrlKind::Loop {
                (c.params, c.base, c.label)
            } else {
                c.targeted = true;
                (c.results, c.base, c.label)
            }
        };
        let top = self.stack.len() - arity;
        for k in 0..arity {
            let src = &self.stack[top + k];
            if src.kind != Kind::Slot(base + k) {
                let l = format!("$s{} = {};", base + k, src.val());
                self.forget(&format!("$s{}", base + k));
                self.line(&l);
            }
        }
        let l = format!("goto L{label};");
        self.line(&l);
    }

    fn start_block(&mut self, kind: CtrlKind, bt: BlockType) {
        let (params, results) = bt_arity(self.m, bt);
        if !self.reachable {
            self.ctrl.push(Ctrl {
                kind,
                base: 0,
                params,
                results,
                label: 0,
                targeted: false,
                dead: true,
                entry_reachable: false,
                then_end_reachable: false,
                saved_params: vec![],
            });
            return;
        }
        let cond = if kind == CtrlKind::If { Some(self.pop()) } else { None };
        self.flush_all();
        if kind != CtrlKind::Block {
            self.forget_all();
        }
        let base = self.stack.len() - params;
        if kind != CtrlKind::Block {
            for i in base..self.stack.len() {
                self.materialize(i, true);
            }
        }
        let label = self.label();
        let saved_params = self.stack[base..].to_vec();
        match kind {
            CtrlKind::Loop => {
                self.indent -= 1;
                let l = format!("L{label}:");
                self.line(&l);
                self.indent += 1;
            }
            CtrlKind::If => {
                let l = format!("if ({}) {{", cond.unwrap().cond());
                self.line(&l);
                self.indent += 1;
            }
            _ => {}
        }
        self.ctrl.push(Ctrl {
            kind,
            base,
            params,
            results,
            label,
            targeted: false,
            dead: false,
            entry_reachable: true,
            then_end_reachable: false,
            saved_params,
        });
    }

    fn end_results(&mut self, base: usize, results: usize) {
        // The stack is exactly base + results here (validated); every result must sit in its own slot.
        debug_assert_eq!(self.stack.len(), base + results);
        for i in base..base + results {
            self.materialize(i, true);
        }
    }

    fn do_else(&mut self) {
        let c = self.ctrl.last().unwrap();
        if c.dead {
            return;
        }
        let (base, results) = (c.base, c.results);
        if self.reachable {
            self.end_results(base, results);
        }
        let reachable = self.reachable;
        let c = self.ctrl.last_mut().unwrap();
        c.then_end_reachable = reachable;
        c.kind = CtrlKind::Else;
        let saved = c.saved_params.clone();
        let entry = c.entry_reachable;
        self.forget_all();
        self.indent -= 1;
        self.line("} else {");
        self.indent += 1;
        self.stack.truncate(base);
        self.stack.extend(saved);
        self.reachable = entry;
    }

    /// Returns true when the function body ended.
    fn do_end(&mut self) -> bool {
        let c = self.ctrl.pop().unwrap();
        if c.dead {
            return c.kind == CtrlKind::Func;
        }
        if c.kind == CtrlKind::Func {
            if self.reachable {
                self.emit_return();
            }
            return true;
        }
        if self.reachable {
            self.end_results(c.base, c.results);
        }
        if c.kind != CtrlKind::Block || c.targeted {
            self.forget_all();
        }
        match c.kind {
            CtrlKind::Func => unreachable!(),
            CtrlKind::Block => {
                if c.targeted {
                    self.indent -= 1;
                    let l = format!("L{}:", c.label);
                    self.line(&l);
                    self.indent += 1;
                }
                self.reachable = self.reachable || c.targeted;
            }
            CtrlKind::Loop => {}
            CtrlKind::If | CtrlKind::Else => {
                self.indent -= 1;
                self.line("}");
                if c.targeted {
                    let l = format!("L{}:", c.label);
                    self.indent -= 1;
                    self.line(&l);
                    self.indent += 1;
                }
                self.reachable = self.reachable
                    || c.targeted
                    || (c.kind == CtrlKind::If && c.entry_reachable)
                    || (c.kind == CtrlKind::Else && c.then_end_reachable);
            }
        }
        self.stack.truncate(c.base);
        for i in 0..c.results {
            self.stack.push(Entry::slot(c.base + i));
        }
        false
    }

    // ---- memory ------------------------------------------------------------------------------------------

    /// Pops an address and returns the PHP expressions of `addr + offset + k` for k in 0..size, after emitting its
    /// bounds check for an access of `size` bytes. A check implied by an earlier one on the same unchanged variable
    /// (memory never shrinks) is left out.
    fn address(&mut self, memarg: &MemArg, size: u64) -> Vec<String> {
        self.uses_memory = true;
        let a = self.pop();
        if let Some(c) = a.const_u64() {
            let ea = c as u64 + memarg.offset;
            if ea + size > self.min_memory && ea + size > self.const_checked {
                let l = format!("if ({ea} > \\strlen($m) - {size}) throw Trap::memory();");
                self.line(&l);
                self.const_checked = ea + size;
            }
            return (0..size).map(|k| (ea + k).to_string()).collect();
        }
        let (base, off) = if a.is_simple() {
            (a.val(), memarg.offset)
        } else {
            let l = if memarg.offset == 0 {
                format!("$a = {};", a.val())
            } else {
                format!("$a = {} + {};", a.val(), memarg.offset)
            };
            self.line(&l);
            ("$a".to_string(), 0)
        };
        let end = off + size;
        let known = matches!(a.kind, Kind::Local(_) | Kind::Slot(_)) && a.is_simple();
        let done = known && self.checked.get(&base).map(|&e| e >= end).unwrap_or(false);
        if !done {
            let l = format!("if ({base} > \\strlen($m) - {end}) throw Trap::memory();");
            self.line(&l);
            if known {
                self.checked.insert(base.clone(), end);
            }
        }
        (0..size)
            .map(|k| {
                if off + k == 0 {
                    base.clone()
                } else {
                    format!("{base} + {}", off + k)
                }
            })
            .collect()
    }

    /// Forgets the bounds checks known for a variable about to be written.
    fn forget(&mut self, var: &str) {
        self.checked.remove(var);
    }

    /// Forgets every known bounds check (a label or a branch of an `if`: other paths join here).
    fn forget_all(&mut self) {
        self.checked.clear();
        self.const_checked = 0;
    }

    fn load(&mut self, memarg: &MemArg, size: u64, f: impl Fn(&[String]) -> String) {
        let a = self.address(memarg, size);
        let code = f(&a);
        self.push_now(&code);
    }

    fn store(&mut self, memarg: &MemArg, size: u64, f64v: bool, i32v: bool) {
        let v = self.pop();
        // A value loaded just before and stored at once (a move: LLVM lowers small copies to load/store pairs): the
        // load becomes a copy of its bytes, which the store writes back without decoding and encoding them.
        let moved = match (&v.kind, self.last_write) {
            (Kind::Slot(n), Some((s, start, end)))
                if *n == s && s == self.stack.len() && end == self.out.len() && !f64v =>
            {
                let line = &self.out[start..end];
                let prefix = format!("$s{s} = \\unpack('");
                line.strip_prefix(prefix.as_str())
                    .and_then(|r| {
                        let (fmt, r) = r.split_once("a', $m, ")?;
                        let width = match fmt {
                            "P" => 8,
                            "V" => 4,
                            _ => return None,
                        };
                        let addr = r.strip_suffix(")['a'];\n")?;
                        (width >= size).then(|| addr.to_string())
                    })
                    .map(|addr| (start, addr))
            }
            _ => None,
        };
        if let Some((start, addr)) = moved {
            self.out.truncate(start);
            let _ = writeln!(self.out, "$u = \\substr($m, {addr}, {size});");
            self.last_write = None;
            let at = self.address(memarg, size);
            for k in 0..size {
                let l = format!("$m[{}] = $u[{k}];", at[k as usize]);
                self.line(&l);
            }
            return;
        }
        let at = self.address(memarg, size);
        if f64v {
            let l = format!("$t = \\pack('e', {});", v.val());
            self.line(&l);
            for (k, a) in at.iter().enumerate() {
                let l = format!("$m[{a}] = $t[{k}];");
                self.line(&l);
            }
            return;
        }
        if let Some(c) = v.const_u64() {
            let bytes = c.to_le_bytes();
            for k in 0..size {
                let l = format!("$m[{}] = \"\\x{:02x}\";", at[k as usize], bytes[k as usize]);
                self.line(&l);
            }
            return;
        }
        let val = if v.is_simple() {
            v.val()
        } else if size == 1 {
            format!("({})", v.val())
        } else {
            let l = format!("$t = {};", v.val());
            self.line(&l);
            "$t".to_string()
        };
        // Bytes through the table of one-character strings (GeneratedCode::CHR, copied to $c in the prologue): cheaper
        // than a chr() call per byte.
        self.uses_chr = true;
        for k in 0..size {
            let l = if k == 0 {
                format!("$m[{}] = $c[{val} & 255];", at[0])
            } else if i32v && size == 4 && k == 3 {
                format!("$m[{}] = $c[{val} >> 24];", at[3])
            } else {
                format!("$m[{}] = $c[({val} >> {}) & 255];", at[k as usize], 8 * k)
            };
            self.line(&l);
        }
    }

    // ---- helpers for operators ------------------------------------------------------------------------------

    fn unop(&mut self, f: impl Fn(&str) -> String) {
        let a = self.pop();
        let code = f(&a.val());
        self.push_expr(code, &[&a]);
    }

    fn binop(&mut self, f: impl Fn(&str, &str) -> String) {
        let b = self.pop();
        let a = self.pop();
        let code = f(&a.val(), &b.val());
        self.push_expr(code, &[&a, &b]);
    }

    fn cmp(&mut self, f: impl Fn(&str, &str) -> String) {
        let b = self.pop();
        let a = self.pop();
        let code = f(&a.val(), &b.val());
        self.push_bool(code, &a, Some(&b));
    }

    /// An operation that may trap or has an effect: evaluated now.
    fn unop_now(&mut self, f: impl Fn(&str) -> String) {
        let a = self.pop();
        let code = f(&a.val());
        self.push_now(&code);
    }

    fn binop_now(&mut self, f: impl Fn(&str, &str) -> String) {
        let b = self.pop();
        let a = self.pop();
        let code = f(&a.val(), &b.val());
        self.push_now(&code);
    }

    /// i64 add/sub/mul: PHP turns an overflowing result into a float; redo it with the wrapping helper then.
    fn i64_wrapping(&mut self, op: &str, helper: &str) {
        self.simple(0);
        self.simple(1);
        let b = self.pop();
        let a = self.pop();
        let (av, bv) = (a.val(), b.val());
        let l = format!("$t = {av} {op} {bv};");
        self.line(&l);
        self.push_now(&format!("\\is_int($t) ? $t : self::{helper}({av}, {bv})"));
    }

    fn i32_signed_cmp(&mut self, op: &str) {
        let b = self.pop();
        let a = self.pop();
        let bs = match b.const_u64() {
            Some(c) => (c ^ 0x8000_0000).to_string(),
            None => format!("({} ^ 0x80000000)", b.val()),
        };
        let code = format!("(({} ^ 0x80000000) {op} {bs})", a.val());
        self.push_bool(code, &a, Some(&b));
    }

    fn i64_unsigned_cmp(&mut self, op: &str) {
        let b = self.pop();
        let a = self.pop();
        let bs = match b.const_u64() {
            Some(c) => php::i64_lit(c ^ i64::MIN),
            None => format!("({} ^ \\PHP_INT_MIN)", b.val()),
        };
        let code = format!("(({} ^ \\PHP_INT_MIN) {op} {bs})", a.val());
        self.push_bool(code, &a, Some(&b));
    }

    fn call_args(&mut self, n: usize) -> Vec<Entry> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    fn emit_call(&mut self, call: String, nresults: usize) {
        match nresults {
            0 => {
                let l = format!("{call};");
                self.line(&l);
            }
            1 => self.push_now(&call),
            n => {
                let base = self.stack.len();
                // Save pending expressions that read the slots about to be written.
                for i in base..base + n {
                    for j in 0..self.stack.len() {
                        if self.stack[j].slots.contains(&i) && self.stack[j].kind != Kind::Slot(j) {
                            self.materialize(j, false);
                        }
                    }
                }
                let vars: Vec<String> = (base..base + n).map(|i| format!("$s{i}")).collect();
                for v in &vars {
                    self.forget(v);
                }
                let l = format!("[{}] = {call};", vars.join(", "));
                self.line(&l);
                for i in base..base + n {
                    self.stack.push(Entry::slot(i));
                }
            }
        }
    }

    // ---- the body ------------------------------------------------------------------------------------------

    pub fn translate(mut self) -> Result<(String, bool), String> {
        let idx = self.index;
        let body = &self.m.bodies[(idx - self.m.num_imported_funcs()) as usize];
        let ft = self.m.func_type(idx).clone();
        let mut local_types: Vec<ValType> = ft.params.clone();
        let mut lr = body.get_locals_reader().map_err(|e| e.to_string())?;
        for _ in 0..lr.get_count() {
            let (n, t) = lr.read().map_err(|e| e.to_string())?;
            for _ in 0..n {
                local_types.push(t);
            }
        }
        self.nlocals = local_types.len() as u32;
        self.results = ft.results.len();
        let mut prologue = String::new();
        for (i, t) in local_types.iter().enumerate().skip(ft.params.len()) {
            let zero = match t {
                ValType::F64 => "0.0",
                ValType::I32 | ValType::I64 | ValType::F32 => "0",
                ValType::Ref(_) => "null",
                ValType::V128 => return Err("unsupported local type v128 (SIMD)".into()),
            };
            let _ = write!(prologue, "$l{i} = {zero}; ");
        }
        self.ctrl.push(Ctrl {
            kind: CtrlKind::Func,
            base: 0,
            params: 0,
            results: ft.results.len(),
            label: 0,
            targeted: false,
            dead: false,
            entry_reachable: true,
            then_end_reachable: false,
            saved_params: vec![],
        });
        let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
        while !reader.eof() {
            let op = reader.read().map_err(|e| e.to_string())?;
            let done = self.op(op).map_err(|e| format!("function {idx}: {e}"))?;
            if done {
                break;
            }
        }
        let mut head = String::new();
        if self.counted {
            head.push_str("        if (++$this->depth > $this->maxDepth) throw Trap::exhausted();\n");
        }
        if self.uses_memory {
            head.push_str("        $m = &$this->mem;\n");
        }
        if self.uses_chr {
            head.push_str("        $c = self::CHR;\n");
        }
        if !prologue.is_empty() {
            head.push_str("        ");
            head.push_str(prologue.trim_end());
            head.push('\n');
        }
        head.push_str(&fuse_loads(&self.out));
        Ok((head, self.uses_memory))
    }

    fn op(&mut self, op: Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        // Structure is tracked even in unreachable code; everything else there is skipped.
        match op {
            O::Block { blockty } => {
                self.start_block(CtrlKind::Block, blockty);
                return Ok(false);
            }
            O::Loop { blockty } => {
                self.start_block(CtrlKind::Loop, blockty);
                return Ok(false);
            }
            O::If { blockty } => {
                self.start_block(CtrlKind::If, blockty);
                return Ok(false);
            }
            O::Else => {
                self.do_else();
                return Ok(false);
            }
            O::End => return Ok(self.do_end()),
            _ => {}
        }
        if !self.reachable {
            return Ok(false);
        }
        let m = self.m;
        match op {
            O::Unreachable => {
                self.line("throw Trap::unreachable();");
                self.reachable = false;
            }
            O::Nop => {}
            O::Br { relative_depth } => {
                self.emit_br(relative_depth);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let c = self.pop();
                let l = format!("if ({}) {{", c.cond());
                self.line(&l);
                self.indent += 1;
                self.emit_br(relative_depth);
                self.indent -= 1;
                self.line("}");
            }
            O::BrTable { targets } => {
                let idx = self.pop();
                let default = targets.default();
                let list: Vec<u32> = targets.targets().collect::<Result<_, _>>().map_err(|e| e.to_string())?;
                let l = format!("switch ({}) {{", idx.val());
                self.line(&l);
                // Group the cases that go to the same label.
                let mut order: Vec<u32> = vec![];
                for d in &list {
                    if *d != default && !order.contains(d) {
                        order.push(*d);
                    }
                }
                for d in order {
                    let cases: Vec<String> = list
                        .iter()
                        .enumerate()
                        .filter(|(_, x)| **x == d)
                        .map(|(i, _)| format!("case {i}:"))
                        .collect();
                    let l = cases.join(" ");
                    self.line(&l);
                    self.indent += 1;
                    self.emit_br(d);
                    self.indent -= 1;
                }
                self.line("default:");
                self.indent += 1;
                self.emit_br(default);
                self.indent -= 1;
                self.line("}");
                self.reachable = false;
            }
            O::Return => {
                self.emit_return();
                self.reachable = false;
            }
            O::Call { function_index } => {
                let ft = m.func_type(function_index);
                let (np, nr) = (ft.params.len(), ft.results.len());
                let args = self.call_args(np);
                let a: Vec<String> = args.iter().map(|e| e.val()).collect();
                self.emit_call(format!("$this->f{function_index}({})", a.join(", ")), nr);
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let ft = &m.types[type_index as usize];
                let (np, nr) = (ft.params.len(), ft.results.len());
                let sig = crate::sig_id(m, type_index);
                let i = self.pop();
                let l = format!("$t = {};", i.val());
                self.line(&l);
                let args = self.call_args(np);
                let a: Vec<String> = args.iter().map(|e| e.val()).collect();
                let l = format!("$f = $this->t{table_index}[$t] ?? null;");
                self.line(&l);
                let l = format!(
                    "if ($f === null || self::FT[$f] !== {sig}) throw Trap::indirect($this->t{table_index}, $t, $f);"
                );
                self.line(&l);
                self.emit_call(format!("$this->{{self::FN[$f]}}({})", a.join(", ")), nr);
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let code = format!("({} ? {} : {})", c.cond(), a.val(), b.val());
                self.push_expr(code, &[&a, &b, &c]);
            }
            O::LocalGet { local_index } => self.push(Entry::local(local_index)),
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                let v = self.pop();
                self.forget(&format!("$l{local_index}"));
                for i in 0..self.stack.len() {
                    if self.stack[i].locals.contains(&local_index) {
                        self.materialize(i, false);
                    }
                }
                let fresh = match (v.kind.clone(), self.last_write) {
                    (Kind::Slot(i), Some((s, start, end)))
                        if s == i && i == self.stack.len() && end == self.out.len() =>
                    {
                        Some((i, start))
                    }
                    _ => None,
                };
                if let Some((i, start)) = fresh {
                    // `$sN = <load or call>;` just written: assign the local directly instead.
                    let old = format!("$s{i}");
                    self.out
                        .replace_range(start..start + old.len(), &format!("$l{local_index}"));
                    self.last_write = None;
                } else if v.kind != Kind::Local(local_index) {
                    let l = format!("$l{local_index} = {};", v.val());
                    self.line(&l);
                }
                if matches!(op, O::LocalTee { .. }) {
                    self.push(Entry::local(local_index));
                }
            }
            O::GlobalGet { global_index } => {
                let g = &m.globals[global_index as usize];
                match (&g.init, g.mutable) {
                    (Some(init), false) if !matches!(init, crate::parsed::ConstInit::Global(_)) => {
                        let c = crate::const_code(init);
                        self.push(Entry::konst(c));
                    }
                    _ => self.push_now(&format!("$this->g{global_index}")),
                }
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let l = format!("$this->g{global_index} = {};", v.val());
                self.line(&l);
            }

            // ---- memory
            O::I32Load { memarg } => self.load(&memarg, 4, |a| format!("\\unpack('Va', $m, {})['a']", a[0])),
            O::F32Load { memarg } => self.load(&memarg, 4, |a| format!("\\unpack('Va', $m, {})['a']", a[0])),
            O::I64Load { memarg } => self.load(&memarg, 8, |a| format!("\\unpack('Pa', $m, {})['a']", a[0])),
            O::F64Load { memarg } => self.load(&memarg, 8, |a| format!("\\unpack('ea', $m, {})['a']", a[0])),
            O::I32Load8U { memarg } | O::I64Load8U { memarg } => {
                self.load(&memarg, 1, |a| format!("\\ord($m[{}])", a[0]))
            }
            O::I32Load8S { memarg } => self.load(&memarg, 1, |a| {
                format!("((\\ord($m[{}]) ^ 0x80) - 0x80) & {MASK}", a[0])
            }),
            O::I64Load8S { memarg } => self.load(&memarg, 1, |a| format!("(\\ord($m[{}]) ^ 0x80) - 0x80", a[0])),
            O::I32Load16U { memarg } | O::I64Load16U { memarg } => self.load(&memarg, 2, |a| {
                format!("\\ord($m[{}]) | (\\ord($m[{}]) << 8)", a[0], a[1])
            }),
            O::I32Load16S { memarg } => self.load(&memarg, 2, |a| {
                format!(
                    "(((\\ord($m[{}]) | (\\ord($m[{}]) << 8)) ^ 0x8000) - 0x8000) & {MASK}",
                    a[0], a[1]
                )
            }),
            O::I64Load16S { memarg } => self.load(&memarg, 2, |a| {
                format!("((\\ord($m[{}]) | (\\ord($m[{}]) << 8)) ^ 0x8000) - 0x8000", a[0], a[1])
            }),
            O::I64Load32U { memarg } => self.load(&memarg, 4, |a| format!("\\unpack('Va', $m, {})['a']", a[0])),
            O::I64Load32S { memarg } => self.load(&memarg, 4, |a| format!("\\unpack('la', $m, {})['a']", a[0])),
            O::I32Store { memarg } => self.store(&memarg, 4, false, true),
            O::F32Store { memarg } => self.store(&memarg, 4, false, false),
            O::I64Store32 { memarg } => self.store(&memarg, 4, false, false),
            O::I64Store { memarg } => self.store(&memarg, 8, false, false),
            O::F64Store { memarg } => self.store(&memarg, 8, true, false),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, 1, false, false),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, 2, false, false),
            O::MemorySize { .. } => {
                self.uses_memory = true;
                self.push_now("\\strlen($m) >> 16");
            }
            O::MemoryGrow { .. } => self.unop_now(|a| format!("$this->grow({a})")),
            O::MemoryCopy { .. } => {
                let n = self.pop();
                let s = self.pop();
                let d = self.pop();
                let l = format!("$this->copy({}, {}, {});", d.val(), s.val(), n.val());
                self.line(&l);
            }
            O::MemoryFill { .. } => {
                let n = self.pop();
                let v = self.pop();
                let d = self.pop();
                let l = format!("$this->fill({}, {}, {});", d.val(), v.val(), n.val());
                self.line(&l);
            }
            O::MemoryInit { data_index, .. } => {
                let n = self.pop();
                let s = self.pop();
                let d = self.pop();
                let l = format!(
                    "$this->init(self::D{data_index}, {data_index}, {}, {}, {});",
                    d.val(),
                    s.val(),
                    n.val()
                );
                self.line(&l);
            }
            O::DataDrop { data_index } => {
                let l = format!("$this->dropped[{data_index}] = true;");
                self.line(&l);
            }
            O::TableInit { elem_index, table } => {
                let n = self.pop();
                let s = self.pop();
                let d = self.pop();
                let l = format!(
                    "$this->tableInit($this->t{table}, self::E{elem_index}, {elem_index}, {}, {}, {});",
                    d.val(),
                    s.val(),
                    n.val()
                );
                self.line(&l);
            }
            O::TableCopy { dst_table, src_table } => {
                let n = self.pop();
                let s = self.pop();
                let d = self.pop();
                let l = format!(
                    "$this->tableCopy($this->t{dst_table}, $this->t{src_table}, {}, {}, {});",
                    d.val(),
                    s.val(),
                    n.val()
                );
                self.line(&l);
            }
            O::ElemDrop { elem_index } => {
                let l = format!("$this->droppedElems[{elem_index}] = true;");
                self.line(&l);
            }

            // ---- constants
            O::I32Const { value } => self.push(Entry::konst((value as u32).to_string())),
            O::I64Const { value } => self.push(Entry::konst(php::i64_lit(value))),
            O::F32Const { value } => self.push(Entry::konst(value.bits().to_string())),
            O::F64Const { value } => self.push(Entry::konst(php::f64_lit(value.bits()))),

            // ---- i32
            O::I32Eqz => {
                let a = self.pop();
                let code = if a.kind == Kind::Bool {
                    format!("!{}", a.code)
                } else {
                    format!("({} === 0)", a.val())
                };
                self.push_bool(code, &a, None);
            }
            O::I32Eq | O::I64Eq => self.cmp(|a, b| format!("({a} === {b})")),
            O::I32Ne | O::I64Ne => self.cmp(|a, b| format!("({a} !== {b})")),
            O::I32LtU | O::I64LtS => self.cmp(|a, b| format!("({a} < {b})")),
            O::I32GtU | O::I64GtS => self.cmp(|a, b| format!("({a} > {b})")),
            O::I32LeU | O::I64LeS => self.cmp(|a, b| format!("({a} <= {b})")),
            O::I32GeU | O::I64GeS => self.cmp(|a, b| format!("({a} >= {b})")),
            O::I32LtS => self.i32_signed_cmp("<"),
            O::I32GtS => self.i32_signed_cmp(">"),
            O::I32LeS => self.i32_signed_cmp("<="),
            O::I32GeS => self.i32_signed_cmp(">="),
            O::I32Clz => self.unop(|a| format!("self::clz32({a})")),
            O::I32Ctz => self.unop(|a| format!("self::ctz32({a})")),
            O::I32Popcnt => self.unop(|a| format!("self::popcnt32({a})")),
            O::I32Add => self.binop(|a, b| format!("(({a} + {b}) & {MASK})")),
            O::I32Sub => self.binop(|a, b| format!("(({a} - {b}) & {MASK})")),
            O::I32Mul => {
                let small = |e: &Entry| e.const_u64().map(|c| c < 0x8000_0000).unwrap_or(false);
                let b = self.pop();
                let a = self.pop();
                let code = if small(&b) || small(&a) {
                    format!("(({} * {}) & {MASK})", a.val(), b.val())
                } else {
                    format!("(((({} << 32) >> 32) * {}) & {MASK})", a.val(), b.val())
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I32DivS => {
                self.simple(0);
                self.simple(1);
                self.binop_now(|a, b| format!("self::divs32({a}, {b})"))
            }
            O::I32DivU => {
                let b = self.pop();
                let a = self.pop();
                if b.const_u64().map(|c| c != 0).unwrap_or(false) {
                    let code = format!("\\intdiv({}, {})", a.val(), b.val());
                    self.push_expr(code, &[&a, &b]);
                } else {
                    self.push(a);
                    self.push(b);
                    self.binop_now(|a, b| format!("self::divu32({a}, {b})"))
                }
            }
            O::I32RemS => self.binop_now(|a, b| format!("self::rems32({a}, {b})")),
            O::I32RemU => {
                let b = self.pop();
                let a = self.pop();
                if b.const_u64().map(|c| c != 0).unwrap_or(false) {
                    let code = format!("({} % {})", a.val(), b.val());
                    self.push_expr(code, &[&a, &b]);
                } else {
                    self.push(a);
                    self.push(b);
                    self.binop_now(|a, b| format!("self::remu32({a}, {b})"))
                }
            }
            O::I32And | O::I64And => self.binop(|a, b| format!("({a} & {b})")),
            O::I32Or | O::I64Or => self.binop(|a, b| format!("({a} | {b})")),
            O::I32Xor | O::I64Xor => self.binop(|a, b| format!("({a} ^ {b})")),
            O::I32Shl => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) => format!("(({} << {}) & {MASK})", a.val(), k & 31),
                    None => format!("(({} << ({} & 31)) & {MASK})", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I32ShrU => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) => format!("({} >> {})", a.val(), k & 31),
                    None => format!("({} >> ({} & 31))", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I32ShrS => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) => format!("((({} << 32) >> {}) & {MASK})", a.val(), 32 + (k & 31)),
                    None => format!("((({} << 32) >> (32 + ({} & 31))) & {MASK})", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I32Rotl => self.binop(|a, b| format!("self::rotl32({a}, {b})")),
            O::I32Rotr => self.binop(|a, b| format!("self::rotr32({a}, {b})")),
            O::I32WrapI64 => self.unop(|a| format!("({a} & {MASK})")),
            O::I32Extend8S => self.unop(|a| format!("((({a} << 56) >> 56) & {MASK})")),
            O::I32Extend16S => self.unop(|a| format!("((({a} << 48) >> 48) & {MASK})")),

            // ---- i64
            O::I64Eqz => {
                let a = self.pop();
                let code = format!("({} === 0)", a.val());
                self.push_bool(code, &a, None);
            }
            O::I64LtU => self.i64_unsigned_cmp("<"),
            O::I64GtU => self.i64_unsigned_cmp(">"),
            O::I64LeU => self.i64_unsigned_cmp("<="),
            O::I64GeU => self.i64_unsigned_cmp(">="),
            O::I64Clz => self.unop(|a| format!("self::clz64({a})")),
            O::I64Ctz => self.unop(|a| format!("self::ctz64({a})")),
            O::I64Popcnt => self.unop(|a| format!("self::popcnt64({a})")),
            O::I64Add => self.i64_wrapping("+", "add64"),
            O::I64Sub => self.i64_wrapping("-", "sub64"),
            O::I64Mul => self.i64_wrapping("*", "mul64"),
            O::I64DivS => self.binop_now(|a, b| format!("self::divs64({a}, {b})")),
            O::I64DivU => self.binop_now(|a, b| format!("self::divu64({a}, {b})")),
            O::I64RemS => self.binop_now(|a, b| format!("self::rems64({a}, {b})")),
            O::I64RemU => self.binop_now(|a, b| format!("self::remu64({a}, {b})")),
            O::I64Shl => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) => format!("({} << {})", a.val(), k & 63),
                    None => format!("({} << ({} & 63))", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I64ShrS => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) => format!("({} >> {})", a.val(), k & 63),
                    None => format!("({} >> ({} & 63))", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I64ShrU => {
                let b = self.pop();
                let a = self.pop();
                let code = match b.const_u64() {
                    Some(k) if k & 63 == 0 => a.val(),
                    Some(k) => {
                        let k = k & 63;
                        format!("(({} >> {k}) & {})", a.val(), php::i64_lit((u64::MAX >> k) as i64))
                    }
                    None => format!("self::shru64({}, {})", a.val(), b.val()),
                };
                self.push_expr(code, &[&a, &b]);
            }
            O::I64Rotl => self.binop(|a, b| format!("self::rotl64({a}, {b})")),
            O::I64Rotr => self.binop(|a, b| format!("self::rotr64({a}, {b})")),
            O::I64ExtendI32S => self.unop(|a| format!("(({a} << 32) >> 32)")),
            O::I64ExtendI32U => {}
            O::I64Extend8S => self.unop(|a| format!("(({a} << 56) >> 56)")),
            O::I64Extend16S => self.unop(|a| format!("(({a} << 48) >> 48)")),
            O::I64Extend32S => self.unop(|a| format!("(({a} << 32) >> 32)")),

            // ---- f32 (bit patterns) and f64 (PHP floats)
            O::F32Eq => self.cmp(|a, b| format!("(self::f32v({a}) == self::f32v({b}))")),
            O::F32Ne => self.cmp(|a, b| format!("(self::f32v({a}) != self::f32v({b}))")),
            O::F32Lt => self.cmp(|a, b| format!("(self::f32v({a}) < self::f32v({b}))")),
            O::F32Gt => self.cmp(|a, b| format!("(self::f32v({a}) > self::f32v({b}))")),
            O::F32Le => self.cmp(|a, b| format!("(self::f32v({a}) <= self::f32v({b}))")),
            O::F32Ge => self.cmp(|a, b| format!("(self::f32v({a}) >= self::f32v({b}))")),
            O::F64Eq => self.cmp(|a, b| format!("({a} == {b})")),
            O::F64Ne => self.cmp(|a, b| format!("({a} != {b})")),
            O::F64Lt => self.cmp(|a, b| format!("({a} < {b})")),
            O::F64Gt => self.cmp(|a, b| format!("({a} > {b})")),
            O::F64Le => self.cmp(|a, b| format!("({a} <= {b})")),
            O::F64Ge => self.cmp(|a, b| format!("({a} >= {b})")),
            O::F32Abs => self.unop(|a| format!("({a} & 0x7FFFFFFF)")),
            O::F32Neg => self.unop(|a| format!("({a} ^ 0x80000000)")),
            O::F32Copysign => self.binop(|a, b| format!("(({a} & 0x7FFFFFFF) | ({b} & 0x80000000))")),
            O::F32Ceil => self.unop(|a| format!("self::f32b(\\ceil(self::f32v({a})))")),
            O::F32Floor => self.unop(|a| format!("self::f32b(\\floor(self::f32v({a})))")),
            O::F32Trunc => self.unop(|a| format!("self::f32b(self::truncf(self::f32v({a})))")),
            O::F32Nearest => self.unop(|a| format!("self::f32b(self::nearest(self::f32v({a})))")),
            O::F32Sqrt => self.unop(|a| format!("self::f32b(\\sqrt(self::f32v({a})))")),
            O::F32Add => self.binop(|a, b| format!("self::f32b(self::f32v({a}) + self::f32v({b}))")),
            O::F32Sub => self.binop(|a, b| format!("self::f32b(self::f32v({a}) - self::f32v({b}))")),
            O::F32Mul => self.binop(|a, b| format!("self::f32b(self::f32v({a}) * self::f32v({b}))")),
            O::F32Div => self.binop(|a, b| format!("self::f32b(\\fdiv(self::f32v({a}), self::f32v({b})))")),
            O::F32Min => self.binop(|a, b| format!("self::f32b(self::fmin(self::f32v({a}), self::f32v({b})))")),
            O::F32Max => self.binop(|a, b| format!("self::f32b(self::fmax(self::f32v({a}), self::f32v({b})))")),
            O::F64Abs => self.unop(|a| format!("\\abs({a})")),
            O::F64Neg => self.unop(|a| format!("self::fneg({a})")),
            O::F64Copysign => self.binop(|a, b| format!("self::copysign({a}, {b})")),
            O::F64Ceil => self.unop(|a| format!("\\ceil({a} * 1.0)")),
            O::F64Floor => self.unop(|a| format!("\\floor({a} * 1.0)")),
            O::F64Trunc => self.unop(|a| format!("self::truncf({a})")),
            O::F64Nearest => self.unop(|a| format!("self::nearest({a})")),
            O::F64Sqrt => self.unop(|a| format!("\\sqrt({a})")),
            O::F64Add => self.binop(|a, b| format!("({a} + {b})")),
            O::F64Sub => self.binop(|a, b| format!("({a} - {b})")),
            O::F64Mul => self.binop(|a, b| format!("({a} * {b})")),
            O::F64Div => self.binop(|a, b| format!("\\fdiv({a}, {b})")),
            O::F64Min => self.binop(|a, b| format!("self::fmin({a}, {b})")),
            O::F64Max => self.binop(|a, b| format!("self::fmax({a}, {b})")),

            // ---- conversions
            O::I32TruncF32S => self.unop_now(|a| format!("self::truncS(self::f32v({a}), 32)")),
            O::I32TruncF32U => self.unop_now(|a| format!("self::truncU(self::f32v({a}), 32)")),
            O::I32TruncF64S => self.unop_now(|a| format!("self::truncS({a}, 32)")),
            O::I32TruncF64U => self.unop_now(|a| format!("self::truncU({a}, 32)")),
            O::I64TruncF32S => self.unop_now(|a| format!("self::truncS(self::f32v({a}), 64)")),
            O::I64TruncF32U => self.unop_now(|a| format!("self::truncU(self::f32v({a}), 64)")),
            O::I64TruncF64S => self.unop_now(|a| format!("self::truncS({a}, 64)")),
            O::I64TruncF64U => self.unop_now(|a| format!("self::truncU({a}, 64)")),
            O::I32TruncSatF32S => self.unop(|a| format!("self::truncSatS(self::f32v({a}), 32)")),
            O::I32TruncSatF32U => self.unop(|a| format!("self::truncSatU(self::f32v({a}), 32)")),
            O::I32TruncSatF64S => self.unop(|a| format!("self::truncSatS({a}, 32)")),
            O::I32TruncSatF64U => self.unop(|a| format!("self::truncSatU({a}, 32)")),
            O::I64TruncSatF32S => self.unop(|a| format!("self::truncSatS(self::f32v({a}), 64)")),
            O::I64TruncSatF32U => self.unop(|a| format!("self::truncSatU(self::f32v({a}), 64)")),
            O::I64TruncSatF64S => self.unop(|a| format!("self::truncSatS({a}, 64)")),
            O::I64TruncSatF64U => self.unop(|a| format!("self::truncSatU({a}, 64)")),
            O::F32ConvertI32S => self.unop(|a| format!("self::f32b((float) (({a} << 32) >> 32))")),
            O::F32ConvertI32U => self.unop(|a| format!("self::f32b((float) {a})")),
            O::F32ConvertI64S => self.unop(|a| format!("self::f32FromI64({a}, false)")),
            O::F32ConvertI64U => self.unop(|a| format!("self::f32FromI64({a}, true)")),
            O::F32DemoteF64 => self.unop(|a| format!("self::f32b({a})")),
            O::F64ConvertI32S => self.unop(|a| format!("((float) (({a} << 32) >> 32))")),
            O::F64ConvertI32U => self.unop(|a| format!("((float) {a})")),
            O::F64ConvertI64S => self.unop(|a| format!("((float) {a})")),
            O::F64ConvertI64U => self.unop(|a| format!("self::f64FromU64({a})")),
            O::F64PromoteF32 => self.unop(|a| format!("self::f32v({a})")),
            O::I32ReinterpretF32 | O::F32ReinterpretI32 => {}
            O::I64ReinterpretF64 => self.unop(|a| format!("\\unpack('q', \\pack('e', {a}))[1]")),
            O::F64ReinterpretI64 => self.unop(|a| format!("\\unpack('e', \\pack('q', {a}))[1]")),

            other => return Err(format!("unsupported instruction {other:?}")),
        }
        Ok(false)
    }
}

/// One `unpack` load line of the generated code: `VAR = \unpack('Fa', $m, BASE[ + K])['a'];`.
struct LoadLine<'a> {
    var: &'a str,
    format: &'a str,
    base: &'a str,
    off: u64,
}

fn is_var(s: &str) -> bool {
    (s.starts_with("$l") || s.starts_with("$s")) && s.len() > 2 && s[2..].bytes().all(|b| b.is_ascii_digit())
}

fn parse_load(line: &str) -> Option<LoadLine<'_>> {
    let t = line.trim_start();
    let (var, rest) = t.split_once(" = \\unpack('")?;
    let (format, rest) = rest.split_once("a', $m, ")?;
    let addr = rest.strip_suffix(")['a'];")?;
    let (base, off) = match addr.split_once(" + ") {
        Some((b, k)) => (b, k.parse().ok()?),
        None => (addr, 0),
    };
    if !is_var(var) || !is_var(base) || format.len() != 1 {
        return None;
    }
    Some(LoadLine { var, format, base, off })
}

/// The variable of a bounds check line `if (VAR > \strlen($m) - N) throw Trap::memory();`.
fn parse_check(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let rest = t.strip_prefix("if (")?;
    let (var, rest) = rest.split_once(" > \\strlen($m) - ")?;
    let n = rest.strip_suffix(") throw Trap::memory();")?;
    if !is_var(var) || n.parse::<u64>().is_err() {
        return None;
    }
    Some(var)
}

fn format_size(format: &str) -> u64 {
    if format == "P" || format == "e" {
        8
    } else {
        4
    }
}

/// Peephole over a function body: consecutive `unpack` loads from one unchanged base variable (only bounds checks
/// of that variable between them) that read adjacent bytes become one `unpack` call with a named value each (the call
/// and its array are most of a load's cost; measured: 2 loads in one call ~25% cheaper, 3 ~35%; skipping bytes
/// with `x` or `@` in the format costs more than it saves). The checks all run first, then the loads: loads have no
/// effect, so what traps and what is read are unchanged.
fn fuse_loads(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < lines.len() {
        // The base of a run starting here: a check or a load line.
        let base = parse_load(lines[i]).map(|l| l.base).or_else(|| parse_check(lines[i]));
        let Some(base) = base else {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let mut j = i;
        let mut loads: Vec<LoadLine<'_>> = vec![];
        let mut end = i;
        while j < lines.len() && loads.len() < 26 {
            if let Some(l) = parse_load(lines[j]) {
                if l.base != base || loads.iter().any(|x| x.off == l.off || x.var == l.var) {
                    break;
                }
                let ends = l.var == base;
                loads.push(l);
                j += 1;
                end = j;
                if ends {
                    break;
                }
            } else if parse_check(lines[j]) == Some(base) {
                j += 1;
            } else {
                break;
            }
        }
        // Chains of loads reading adjacent bytes, in address order.
        let mut order: Vec<usize> = (0..loads.len()).collect();
        order.sort_by_key(|&k| loads[k].off);
        let mut chains: Vec<Vec<usize>> = vec![];
        for &k in &order {
            match chains.last_mut() {
                Some(c)
                    if {
                        let p = &loads[*c.last().unwrap()];
                        p.off + format_size(p.format) == loads[k].off
                    } =>
                {
                    c.push(k)
                }
                _ => chains.push(vec![k]),
            }
        }
        if chains.iter().all(|c| c.len() < 2) {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        }
        let indent = &lines[i][..lines[i].len() - lines[i].trim_start().len()];
        for line in &lines[i..end] {
            if parse_check(line).is_some() {
                out.push_str(line);
                out.push('\n');
            }
        }
        // The load that writes the base variable (at most the last one) goes last, after every read of the base.
        chains.sort_by_key(|c| c.iter().any(|&k| loads[k].var == base));
        for c in &chains {
            let l0 = &loads[c[0]];
            let addr = if l0.off == 0 {
                base.to_string()
            } else {
                format!("{base} + {}", l0.off)
            };
            if c.len() == 1 {
                let _ = writeln!(out, "{indent}{} = \\unpack('{}a', $m, {addr})['a'];", l0.var, l0.format);
                continue;
            }
            let fmt: Vec<String> = c
                .iter()
                .enumerate()
                .map(|(n, &k)| format!("{}{}", loads[k].format, (b'a' + n as u8) as char))
                .collect();
            let _ = writeln!(out, "{indent}$r = \\unpack('{}', $m, {addr});", fmt.join("/"));
            for (n, &k) in c.iter().enumerate() {
                let _ = writeln!(out, "{indent}{} = $r['{}'];", loads[k].var, (b'a' + n as u8) as char);
            }
        }
        i = end;
    }
    out
}
