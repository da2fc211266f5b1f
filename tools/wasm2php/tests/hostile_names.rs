//! Names from the input module are data, never code: export, import-module and import-field names built to break
//! out of a PHP comment or string (`*/`, `?>`, `<?php`, quotes, backslashes, line breaks, NUL, `$` interpolation,
//! numeric strings) must give a file that `php -l` accepts and that, when loaded, prints and defines nothing beyond
//! its class, and still exposes every export and import under its exact original name (called through
//! TranslatedInstance with host functions bound by those names).

use std::path::{Path, PathBuf};
use std::process::Command;

const HOSTILE: &[&[u8]] = &[
    b"a*/b",
    b"*/ echo 'PWNED'; function pwned_export() {} /*",
    b"?><?php echo 'PWNED'; ?>",
    b"<?php echo 'PWNED';",
    b"<?= 'PWNED' ?>",
    b"it's \"quoted\" `ticks`",
    b"back\\slash\\\\ \\x41 \\u{41} \\' \\\" \\",
    b"line1\n echo 'PWNED'; // \r\n# ?>",
    b"nul\0byte\0",
    b"$x {$y} ${z} {$this->h0}",
    b"7",
    b"",
    "\u{e9}\u{2713}\u{feff}".as_bytes(),
    b"\x1b[31m\x7f tab\t",
    b"f0",
    b"x_f0",
];

/// A WAT string literal holding exactly `bytes` (every byte as `\hh`).
fn wat_str(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for b in bytes {
        s.push_str(&format!("\\{b:02x}"));
    }
    s.push('"');
    s
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasm2php-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const DRIVER: &str = r#"<?php
declare(strict_types=1);

// argv: bootstrap, generated file, names (base64, comma-separated), memory name, global name (base64)
require $argv[1];

use MeshCentralConnector\Runtime\HostFunction;
use MeshCentralConnector\Translated\TranslatedWasm;

$names = array_map(static fn (string $b): string => base64_decode($b, true), explode(',', $argv[3]));
$memory = base64_decode($argv[4], true);
$global = base64_decode($argv[5], true);
$n = count($names);
$problems = [];

// Load the runtime classes first, so that whatever loading the generated file adds is the file's alone.
class_exists(TranslatedWasm::class);
class_exists(MeshCentralConnector\Translated\GeneratedCode::class);
class_exists(MeshCentralConnector\Translated\Trap::class);
$functions = get_defined_functions()['user'];
$classes = get_declared_classes();
$constants = get_defined_constants(true)['user'] ?? [];
ob_start();
$module = TranslatedWasm::load($argv[2], 'Hostile\\Names');
$printed = ob_get_clean();
if ($printed !== '') {
    $problems[] = 'loading printed ' . bin2hex($printed);
}
if (get_defined_functions()['user'] !== $functions) {
    $problems[] = 'loading defined functions: ' . implode(', ', array_diff(get_defined_functions()['user'], $functions));
}
$added = array_values(array_diff(get_declared_classes(), $classes));
if ($added !== ['Hostile\\Names']) {
    $problems[] = 'loading declared classes: ' . implode(', ', $added);
}
if ((get_defined_constants(true)['user'] ?? []) !== $constants) {
    $problems[] = 'loading defined constants';
}

$wantExports = array_merge([$memory], $names, [$global]);
$gotExports = array_map('strval', array_keys($module->exports()));
if ($gotExports !== $wantExports) {
    $problems[] = 'export names: ' . json_encode(array_map('bin2hex', $gotExports));
}
$imports = [];
$wantImports = [];
for ($k = 0; $k < $n; $k++) {
    [$mod, $field] = [$names[$k], $names[($k + 1) % $n]];
    $wantImports[] = [$mod, $field];
    $imports[$mod][$field] = new HostFunction(['i32'], ['i32'], static fn (int $x): int => $x * 2 + $k);
}
$gotImports = array_map(static fn (array $i): array => [$i['module'], $i['name']], $module->imports());
if ($gotImports !== $wantImports) {
    $problems[] = 'import names differ';
}
$instance = $module->instantiate($imports);
foreach ($names as $k => $name) {
    $got = $instance->call($name, 10);
    if ($got !== [1000 + 20 + $k]) {
        $problems[] = sprintf('export %s returned %s', bin2hex($name), json_encode($got));
    }
}
if ($instance->memorySize() !== 65536 || !$instance->hasExport($memory) || !$instance->hasExport($global)) {
    $problems[] = 'memory or global export missing';
}
echo $problems === [] ? "OK\n" : implode("\n", $problems) . "\n";
"#;

#[test]
fn hostile_names_stay_data_and_keep_their_exact_spelling() {
    let n = HOSTILE.len();
    let memory: &[u8] = b"mem */ ?> \n<?php echo 'PWNED';";
    let global: &[u8] = b"glob\\'\"$x*/";
    let mut wat = String::from("(module\n");
    for k in 0..n {
        let _ = std::fmt::Write::write_fmt(
            &mut wat,
            format_args!(
                "  (import {} {} (func $h{k} (param i32) (result i32)))\n",
                wat_str(HOSTILE[k]),
                wat_str(HOSTILE[(k + 1) % n])
            ),
        );
    }
    wat.push_str(&format!("  (memory (export {}) 1)\n", wat_str(memory)));
    for (k, name) in HOSTILE.iter().enumerate() {
        wat.push_str(&format!(
            "  (func (export {}) (param i32) (result i32) (i32.add (call $h{k} (local.get 0)) (i32.const 1000)))\n",
            wat_str(name)
        ));
    }
    wat.push_str(&format!("  (global (export {}) i32 (i32.const 5)))\n", wat_str(global)));
    let wasm = wat::parse_str(&wat).expect("valid wat");
    let opts = wasm2php::Options {
        namespace: "Hostile".into(),
        class: "Names".into(),
        source_note: "note */ ?>\n echo 'PWNED'; \\ \0".into(),
    };
    let php = wasm2php::translate(&wasm, &opts).expect("translates");
    assert_eq!(php, wasm2php::translate(&wasm, &opts).unwrap(), "deterministic");
    assert!(php.is_ascii(), "the generated file is plain ASCII");
    // Every comment line holds only the escaped form: no name can end it early.
    for line in php
        .lines()
        .filter(|l| l.trim_start().starts_with("/** export") || l.trim_start().starts_with("/** import"))
    {
        let inner = line.trim().trim_start_matches("/**").trim_end_matches("*/");
        assert!(
            !inner.contains("*/") && !inner.contains("?>") && !inner.contains('\''),
            "{line}"
        );
    }

    let dir = scratch("hostile");
    let file = dir.join("names.php");
    std::fs::write(&file, &php).unwrap();
    let lint = Command::new("php").arg("-l").arg(&file).output().expect("php on PATH");
    assert!(
        lint.status.success(),
        "php -l: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );

    let driver = dir.join("driver.php");
    std::fs::write(&driver, DRIVER).unwrap();
    let names: Vec<String> = HOSTILE.iter().map(|b| b64(b)).collect();
    let out = Command::new("php")
        .arg(&driver)
        .arg(root().join("tests/php/bootstrap.php"))
        .arg(&file)
        .arg(names.join(","))
        .arg(b64(memory))
        .arg(b64(global))
        .output()
        .expect("php on PATH");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout == "OK\n",
        "driver: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn non_utf8_names_are_refused() {
    // Hand-assembled: one function exported under the bytes FF FE (not UTF-8); wat cannot spell it.
    let wasm: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
        0x03, 0x02, 0x01, 0x00, // function section
        0x07, 0x06, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x00, // export section: "\xff\xfe" func 0
        0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section
    ];
    let opts = wasm2php::Options {
        namespace: "T".into(),
        class: "C".into(),
        source_note: String::new(),
    };
    let err = wasm2php::translate(wasm, &opts).unwrap_err();
    assert!(err.contains("UTF-8") || err.contains("utf-8"), "{err}");
}

#[test]
fn class_and_namespace_must_be_identifiers() {
    let wasm = wat::parse_str("(module)").unwrap();
    for (ns, class) in [("T", "C;echo 1"), ("T{", "C"), ("T\\", "C"), ("", "C"), ("T", "1C")] {
        let opts = wasm2php::Options {
            namespace: ns.into(),
            class: class.into(),
            source_note: String::new(),
        };
        assert!(wasm2php::translate(&wasm, &opts).is_err(), "{ns} {class}");
    }
}
