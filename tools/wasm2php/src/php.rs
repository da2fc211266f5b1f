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

/// A double-quoted PHP string literal of any bytes: the one way every module-supplied byte string (data segments,
/// export/import/module names) reaches a PHP string. Only printable ASCII other than `"`, `\\`, `$`, `{`, `?`, `<` and
/// `>` is written as itself; those and every other byte (NUL, newlines, non-ASCII) become `\xHH` or `\"`/`\\`/`\$`.
/// So a literal can never be closed early, interpolate a variable, or contain `?>` / `<?` (which would matter the
/// day a literal ended up in a comment or a template), and the file stays plain ASCII.
pub fn string_lit(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'$' => out.push_str("\\$"),
            b'{' | b'?' | b'<' | b'>' => out.push_str(&format!("\\x{b:02x}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// A PHP string literal for a name (export/import/module names are UTF-8 strings): [`string_lit`] of its bytes.
pub fn name_lit(s: &str) -> String {
    string_lit(s.as_bytes())
}

/// Text from the input (a name, a file name) for a PHP comment: `[A-Za-z0-9_.-]`, space, `(`, `)` and `,` as
/// themselves, every other byte as `\xHH` (a backslash too, so the form reads back unambiguously). No input can end
/// the comment: `*/`, `?>` and line breaks are all out of reach.
pub fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b' ' | b'(' | b')' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Whether `s` is a plain PHP identifier (class name or one namespace segment) that can be written into code as is.
pub fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
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
