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
    assert!(a.contains("final class C extends Module"));
    assert!(a.contains(r#""add" => ['func', 'x_add', ['i32', 'i32'], ['i32']]"#));
    assert!(
        a.contains(r#""hi\$\"\\\x00""#),
        "data segment escaped for a PHP double-quoted string"
    );
}
