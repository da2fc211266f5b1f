//! Translator-level checks (the semantics are proven by the spec suite: see spectest/).

fn translate(wat: &str) -> Result<String, String> {
    let wasm = wat::parse_str(wat).expect("valid wat");
    let opts = wasm2php::Options {
        namespace: "T".into(),
        class: "C".into(),
        source_note: "test".into(),
    };
    wasm2php::translate(&wasm, &opts)
}

#[test]
fn unsupported_instruction_fails_naming_it() {
    let err =
        translate(r#"(module (func (export "f") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0))))"#)
            .unwrap_err();
    assert!(err.contains("unsupported"), "{err}");
    assert!(err.contains("I32x4Add") || err.contains("v128"), "{err}");
}

#[test]
fn unsupported_memory_import_fails_naming_it() {
    let err = translate(r#"(module (import "env" "mem" (memory 1)))"#).unwrap_err();
    assert!(err.contains("env.mem"), "{err}");
}

#[test]
fn output_is_deterministic_and_declares_the_class() {
    let wat = r#"(module (memory (export "memory") 1) (data (i32.const 8) "hi$\"\\\00")
        (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#;
    let a = translate(wat).unwrap();
    assert_eq!(a, translate(wat).unwrap());
    assert!(a.contains("namespace T;"));
    assert!(a.contains("final class C extends GeneratedCode"));
    assert!(a.contains(r#""add" => ['func', 'x_add', ['i32', 'i32'], ['i32']]"#));
    assert!(
        a.contains(r#""hi\$\"\\\x00""#),
        "data segment escaped for a PHP double-quoted string"
    );
}

#[test]
fn memory_accesses_take_the_cheap_forms() {
    let a = translate(
        r#"(module (memory 1)
        (func (export "mv") (param i32 i32) (i64.store offset=8 (local.get 1) (i64.load offset=8 (local.get 0))))
        (func (export "sum") (param i32) (result i32)
            (i32.add (i32.load offset=4 (local.get 0)) (i32.load offset=8 (local.get 0))))
        (func (export "st") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    // A load stored at once is a byte copy, not a decode and an encode.
    assert!(a.contains(r"$u = \substr($m, $l0 + 8, 8);"), "{a}");
    assert!(a.contains("$m[$l1 + 15] = $u[7];"), "{a}");
    // Adjacent loads from one base: one unpack; one bounds check covers both.
    assert!(a.contains(r"$r = \unpack('Va/Vb', $m, $l0 + 4);"), "{a}");
    assert_eq!(
        a.matches(r"if ($l0 > \strlen($m) - 12) throw Trap::memory();").count(),
        1,
        "{a}"
    );
    // Stored bytes come from the byte table, the top byte of an i32 unmasked.
    assert!(a.contains("$m[$l0 + 3] = $c[$l1 >> 24];"), "{a}");
}
