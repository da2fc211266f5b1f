//! PHP literals and names.

/// An i64 as a PHP int literal (PHP reads `-9223372036854775808` as a float, so the minimum is spelled by name).
pub fn i64_lit(v: i64) -> String {
    if v == i64::MIN {
        "\\PHP_INT_MIN".into()
    } else if v < 0 {
        format!("({v})")
    } else {
        v.to_string()
    }
}

/// An f64 (by bits) as an exact PHP float expression.
pub fn f64_lit(bits: u64) -> String {
    let v = f64::from_bits(bits);
    if v.is_nan() {
        return format!("self::f64FromBits({})", i64_lit(bits as i64));
    }
    if v.is_infinite() {
        return if v > 0.0 { "\\INF".into() } else { "(-\\INF)".into() };
    }
    // Rust's Debug form is the shortest string that reads back to the same double, and it always has a '.' or an
    // exponent, so PHP reads it as a float; PHP's strtod rounds correctly.
    let s = format!("{v:?}");
    if s.starts_with('-') {
        format!("({s})")
    } else {
        s
    }
}

/// A double-quoted PHP string literal that stays printable ASCII (binary bytes become \xHH).
pub fn string_lit(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'$' => out.push_str("\\$"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// A single-quoted PHP string literal for a name (export/import names may hold any UTF-8).
pub fn name_lit(s: &str) -> String {
    string_lit(s.as_bytes())
}

/// A PHP identifier derived from an export name: letters, digits and '_' kept, anything else as _xx hex.
pub fn ident(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else if b == b'_' {
            out.push_str("__");
        } else if b == b'-' {
            out.push('_');
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}
