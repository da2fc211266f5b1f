//! wasm2php INPUT.wasm OUTPUT.php --class NAME [--namespace NS]
//!
//! Writes one PHP file declaring `final class NAME` (namespace default MeshCentralConnector\Translated\Generated).
//! Fails (exit 1) with a message naming the first unsupported instruction or feature.

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: wasm2php INPUT.wasm OUTPUT.php --class NAME [--namespace NS]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pos = vec![];
    let mut class = None;
    let mut namespace = "MeshCentralConnector\\Translated\\Generated".to_string();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--class" if i + 1 < args.len() => {
                class = Some(args[i + 1].clone());
                i += 1;
            }
            "--namespace" if i + 1 < args.len() => {
                namespace = args[i + 1].trim_matches('\\').to_string();
                i += 1;
            }
            a if a.starts_with("--") => return usage(),
            a => pos.push(a.to_string()),
        }
        i += 1;
    }
    let (Some(class), [input, output]) = (class, pos.as_slice()) else {
        return usage();
    };
    if !wasm2php::php::is_ident(&class) || !namespace.split('\\').all(wasm2php::php::is_ident) {
        eprintln!("wasm2php: invalid class or namespace name");
        return ExitCode::from(2);
    }
    let wasm = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("wasm2php: cannot read {input}: {e}");
            return ExitCode::from(1);
        }
    };
    let name = std::path::Path::new(input)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opts = wasm2php::Options {
        namespace,
        class,
        source_note: format!("{name} ({} bytes, fnv1a64 {:016x})", wasm.len(), fnv1a(&wasm)),
    };
    match wasm2php::translate(&wasm, &opts) {
        Ok(php) => {
            if let Err(e) = std::fs::write(output, php) {
                eprintln!("wasm2php: cannot write {output}: {e}");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm2php: {input}: {e}");
            ExitCode::from(1)
        }
    }
}

fn fnv1a(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
