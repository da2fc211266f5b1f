//! A skimming reader for MeshCentral's large JSON messages: a cursor that walks objects and arrays, hands the caller
//! each member's key, and skips (without building) every value the caller does not ask for. The few values an
//! operation needs are taken as raw text and parsed by serde_json, exactly.
//!
//! Why not serde alone: on the translated (pure PHP) backend every byte serde_json's deserializer looks at costs
//! several guest function calls. A `nodes` reply of 100 devices is ~60 KB, of which a device list needs ~5%; routing a
//! message (which request does it answer?) needs its first two members. One tight loop over the skipped bytes is
//! several times cheaper than `IgnoredAny`, and the cursor reads every byte once however deep the wanted values sit.
//!
//! Skipped values are checked for structure (balanced brackets, terminated strings without raw control characters,
//! keys followed by `:`), not fully validated: a malformed number inside a skipped value goes unnoticed, which is
//! harmless because nothing reads it. Every value a caller reads goes through serde_json, exactly.

use std::borrow::Cow;
use std::ops::ControlFlow;

/// Where the text stopped being JSON (a byte offset into the skimmed text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkimError {
    pub offset: usize,
}

pub type Skim<T> = Result<T, SkimError>;

/// What a member or item callback tells the walk: go on, or stop here (the rest stays unread and unchecked).
pub type Flow = ControlFlow<()>;

/// A read position in one JSON text.
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// The first byte of the next value (`{`, `[`, `"`, a digit...), None at the end of the text.
    pub fn peek(&mut self) -> Option<u8> {
        self.pos = skip_ws(self.text.as_bytes(), self.pos);
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Reads an object: calls `member` with each key, the cursor on that member's value. A value the callback leaves
    /// unread is skipped; `Flow::Break` ends the walk there (the rest of the text stays unread). Fails unless the
    /// next value is an object.
    pub fn object(&mut self, mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Skim<Flow>) -> Skim<()> {
        self.expect(b'{')?;
        let mut first = true;
        while self.next_entry(b'}', &mut first)? {
            let key = self.key()?;
            if self.visit(|c| member(c, key))?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// Reads an array: calls `item` with the cursor on each item. An item the callback leaves unread is skipped;
    /// `Flow::Break` ends the walk there. Fails unless the next value is an array.
    pub fn array(&mut self, mut item: impl FnMut(&mut Self) -> Skim<Flow>) -> Skim<()> {
        self.expect(b'[')?;
        let mut first = true;
        while self.next_entry(b']', &mut first)? {
            if self.visit(&mut item)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The raw text of the next value (for serde_json, `string` or `integer`), moving past it.
    pub fn raw(&mut self) -> Skim<&'a str> {
        let start = skip_ws(self.text.as_bytes(), self.pos);
        let end = value_end(self.text.as_bytes(), start)?;
        self.pos = end;
        Ok(&self.text[start..end])
    }

    /// Moves past the next value without reading it.
    pub fn skip(&mut self) -> Skim<()> {
        self.raw().map(|_| ())
    }

    /// Checks that only whitespace is left.
    pub fn finish(&mut self) -> Skim<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(SkimError { offset: self.pos }),
        }
    }

    /// In an open object or array: moves to its next entry (true), or past its closing bracket (false).
    fn next_entry(&mut self, close: u8, first: &mut bool) -> Skim<bool> {
        let b = self.text.as_bytes();
        let at = skip_ws(b, self.pos);
        match b.get(at) {
            Some(&c) if c == close => {
                self.pos = at + 1;
                return Ok(false);
            }
            Some(b',') if !*first => self.pos = skip_ws(b, at + 1),
            Some(_) if *first => self.pos = at,
            _ => return Err(SkimError { offset: at }),
        }
        *first = false;
        Ok(true)
    }

    /// Reads a member's `"key" :`, leaving the cursor on its value.
    fn key(&mut self) -> Skim<Cow<'a, str>> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if b.get(start) != Some(&b'"') {
            return Err(SkimError { offset: start });
        }
        let (end, escaped) = string_end(b, start)?;
        let colon = skip_ws(b, end);
        if b.get(colon) != Some(&b':') {
            return Err(SkimError { offset: colon });
        }
        self.pos = skip_ws(b, colon + 1);
        let raw = &self.text[start..end];
        Ok(if escaped {
            Cow::Owned(serde_json::from_str::<String>(raw).map_err(|_| SkimError { offset: start })?)
        } else {
            Cow::Borrowed(&raw[1..raw.len() - 1])
        })
    }

    /// Runs `read` on the value at the cursor, then skips that value if `read` left it unread.
    fn visit(&mut self, read: impl FnOnce(&mut Self) -> Skim<Flow>) -> Skim<Flow> {
        let start = self.pos;
        let flow = read(self)?;
        if self.pos == start {
            self.skip()?;
        }
        Ok(flow)
    }

    fn expect(&mut self, open: u8) -> Skim<()> {
        if self.peek() == Some(open) {
            self.pos += 1;
            Ok(())
        } else {
            Err(SkimError { offset: self.pos })
        }
    }
}

/// The raw values of the top-level members of object `text` named in `keys` (the last one wins when a key repeats),
/// skipping every other member; the whole text must be one object.
pub fn pick<'a, const N: usize>(text: &'a str, keys: [&str; N]) -> Skim<[Option<&'a str>; N]> {
    let mut found = [None; N];
    let mut cursor = Cursor::new(text);
    cursor.object(|c, key| {
        if let Some(slot) = keys.iter().position(|k| *k == key) {
            found[slot] = Some(c.raw()?);
        }
        Ok(Flow::Continue(()))
    })?;
    cursor.finish()?;
    Ok(found)
}

/// The string a raw value holds: borrowed when it has no escapes, decoded by serde_json when it has; None when the
/// value is not a string.
pub fn string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// `string`, owned.
pub fn owned_string(raw: &str) -> Option<String> {
    string(raw).map(Cow::into_owned)
}

/// The integer a raw value holds; None for anything else (a fraction, an exponent, a string, out of range).
pub fn integer(raw: &str) -> Option<i64> {
    if raw.starts_with('-') || raw.starts_with(|c: char| c.is_ascii_digit()) {
        // serde_json's grammar, not Rust's: `+1` or `01` are not JSON integers.
        serde_json::from_str::<i64>(raw).ok()
    } else {
        None
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the string starting with the quote at `i`, and whether it has escapes.
fn string_end(b: &[u8], mut i: usize) -> Skim<(usize, bool)> {
    let mut escaped = false;
    i += 1;
    loop {
        match b.get(i) {
            Some(b'"') => return Ok((i + 1, escaped)),
            // The escaped character cannot end the string; `\u` digits are checked by serde when the value is read.
            Some(b'\\') => {
                escaped = true;
                i += 2;
            }
            Some(&c) if c < 0x20 => return Err(SkimError { offset: i }),
            Some(_) => i += 1,
            None => return Err(SkimError { offset: b.len() }),
        }
    }
}

/// The brackets still open in a skipped value: a bit per level (1 = object) in a word, so skipping allocates
/// nothing at the depths real messages have; deeper levels spill to a vector.
struct Nesting {
    bits: u64,
    depth: usize,
    deep: Vec<bool>,
}

impl Nesting {
    fn push(&mut self, object: bool) {
        if self.depth < 64 {
            self.bits = (self.bits << 1) | u64::from(object);
        } else {
            self.deep.push(object);
        }
        self.depth += 1;
    }

    fn pop(&mut self) {
        self.depth -= 1;
        if self.depth < 64 {
            self.bits >>= 1;
        } else {
            self.deep.pop();
        }
    }

    /// The closing bracket of the innermost open level, if any.
    fn close(&self) -> Option<u8> {
        let object = match self.depth {
            0 => return None,
            d if d <= 64 => self.bits & 1 == 1,
            _ => *self.deep.last()?,
        };
        Some(if object { b'}' } else { b']' })
    }
}

/// The end (exclusive) of the value starting at `i`. Iterative (an explicit bracket stack), so a deeply nested
/// message cannot exhaust the guest's stack.
fn value_end(b: &[u8], mut i: usize) -> Skim<usize> {
    let mut open = Nesting {
        bits: 0,
        depth: 0,
        deep: Vec::new(),
    };
    loop {
        // At the start of a value.
        match b.get(i) {
            Some(b'"') => i = string_end(b, i)?.0,
            Some(&bracket @ (b'{' | b'[')) => {
                let object = bracket == b'{';
                let after = skip_ws(b, i + 1);
                if b.get(after) == Some(if object { &b'}' } else { &b']' }) {
                    i = after + 1;
                } else {
                    open.push(object);
                    i = if object { key_then_colon(b, after)? } else { after };
                    continue;
                }
            }
            Some(b'-' | b'0'..=b'9' | b'a'..=b'z') => {
                let start = i;
                while let Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.') = b.get(i) {
                    i += 1;
                }
                if !matches!(&b[start..i], b"true" | b"false" | b"null")
                    && !b[start].is_ascii_digit()
                    && b[start] != b'-'
                {
                    return Err(SkimError { offset: start });
                }
            }
            _ => return Err(SkimError { offset: i }),
        }
        // After a value: close brackets until one continues with `,`.
        loop {
            let Some(close) = open.close() else {
                return Ok(i);
            };
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b',') => {
                    let next = skip_ws(b, i + 1);
                    i = if close == b'}' { key_then_colon(b, next)? } else { next };
                    break;
                }
                Some(&c) if c == close => {
                    open.pop();
                    i += 1;
                }
                _ => return Err(SkimError { offset: i }),
            }
        }
    }
}

/// Skips `"key" :` at `i`; returns where the member's value starts.
fn key_then_colon(b: &[u8], i: usize) -> Skim<usize> {
    if b.get(i) != Some(&b'"') {
        return Err(SkimError { offset: i });
    }
    let colon = skip_ws(b, string_end(b, i)?.0);
    if b.get(colon) != Some(&b':') {
        return Err(SkimError { offset: colon });
    }
    Ok(skip_ws(b, colon + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Every member of a whole-text object, values parsed by serde from their raw text.
    fn members(text: &str) -> Skim<Vec<(String, Value)>> {
        let mut out = Vec::new();
        let mut c = Cursor::new(text);
        c.object(|c, k| {
            let start = c.pos;
            let raw = c.raw()?;
            let value = serde_json::from_str(raw).map_err(|_| SkimError { offset: start })?;
            out.push((k.into_owned(), value));
            Ok(Flow::Continue(()))
        })?;
        c.finish()?;
        Ok(out)
    }

    fn items(text: &str) -> Skim<Vec<&str>> {
        let mut out = Vec::new();
        let mut c = Cursor::new(text);
        c.array(|c| {
            out.push(c.raw()?);
            Ok(Flow::Continue(()))
        })?;
        c.finish()?;
        Ok(out)
    }

    #[test]
    fn members_and_items_round_trip_through_serde() {
        let v = json!({
            "action": "nodes", "a\"b\\c": "x\ny\u{e9}\u{1F600}", "n": -12.5e3, "t": true, "f": false, "z": null,
            "nodes": {"mesh//m": [{"_id": "node//1", "agent": {"caps": [1, [2, {}], []]}, "conn": 1}, [], {}]},
            "": ""
        });
        for text in [v.to_string(), serde_json::to_string_pretty(&v).unwrap()] {
            let mut got = members(&text).unwrap();
            got.sort_by(|a, b| a.0.cmp(&b.0));
            let want: Vec<(String, Value)> = v.as_object().unwrap().clone().into_iter().collect();
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(
            items(" [1, \"two\" ,{\"3\":[]} , [ ] ] ").unwrap(),
            ["1", "\"two\"", "{\"3\":[]}", "[ ]"]
        );
        assert_eq!(items("[]").unwrap().len(), 0);
        assert_eq!(members(" { } ").unwrap().len(), 0);
    }

    #[test]
    fn nested_walks_read_wanted_values_and_skip_the_rest() {
        let text = r#"{"nodes":{"mesh//a":[{"_id":"x"}],"mesh//b":[{"_id":"b1","agent":{"v":[1]},"conn":1},{"_id":"b2"}]},"tag":"t"}"#;
        let mut ids = Vec::new();
        let mut c = Cursor::new(text);
        c.object(|c, key| {
            if key == "nodes" {
                c.object(|c, group| {
                    if group == "mesh//b" {
                        c.array(|c| {
                            c.object(|c, field| {
                                if field == "_id" {
                                    ids.push(string(c.raw()?).unwrap().into_owned());
                                }
                                Ok(Flow::Continue(()))
                            })?;
                            Ok(Flow::Continue(()))
                        })?;
                    } // else left unread: skipped
                    Ok(Flow::Continue(()))
                })?;
            }
            Ok(Flow::Continue(()))
        })
        .unwrap();
        c.finish().unwrap();
        assert_eq!(ids, ["b1", "b2"]);
        // Stopping early leaves the rest unread, even when it is broken.
        let mut c = Cursor::new(r#"{"action":"nodes","nodes":[[["#);
        let mut seen = Vec::new();
        let walk = c.object(|_, key| {
            seen.push(key.into_owned());
            Ok(if seen.len() == 1 {
                Flow::Break(())
            } else {
                Flow::Continue(())
            })
        });
        assert_eq!((walk, seen), (Ok(()), vec!["action".to_string()]));
    }

    /// A small deterministic generator (xorshift) of JSON values with the characters that matter to a skimmer:
    /// quotes, backslashes, brackets inside strings, unicode, numbers of every shape, nesting.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn text(&mut self) -> String {
            let pieces = [
                "a",
                "\"",
                "\\",
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\n",
                "\u{e9}",
                "\u{1F600}",
                " ",
                "node//x",
            ];
            (0..self.next(6))
                .map(|_| pieces[self.next(pieces.len() as u64) as usize])
                .collect()
        }

        fn value(&mut self, depth: u32) -> Value {
            match self.next(if depth > 4 { 5 } else { 7 }) {
                0 => Value::Null,
                1 => Value::Bool(self.next(2) == 1),
                2 => json!(self.next(1 << 40) as i64 - (1 << 39)),
                3 => json!((self.next(1 << 20) as f64 - 5e5) / 64.0),
                4 => Value::String(self.text()),
                5 => Value::Array((0..self.next(4)).map(|_| self.value(depth + 1)).collect()),
                _ => Value::Object(
                    (0..self.next(4))
                        .map(|_| (self.text(), self.value(depth + 1)))
                        .collect(),
                ),
            }
        }
    }

    /// The skimmer and serde_json agree on every text: generated objects (compact and pretty) and single-byte
    /// mutations of them (deleted, duplicated or replaced bytes), which are mostly broken JSON.
    #[test]
    fn agrees_with_serde_on_generated_and_mutated_texts() {
        let mut gen = Gen(0x9E37_79B9_7F4A_7C15);
        let structural = [
            b'{', b'}', b'[', b']', b'"', b'\\', b',', b':', b' ', b'1', b'-', b'e', b'.', b't', b'\n',
        ];
        let mut checked = 0;
        for _ in 0..1500 {
            let Value::Object(obj) = gen.value(0) else { continue };
            for text in [
                Value::Object(obj.clone()).to_string(),
                serde_json::to_string_pretty(&obj).unwrap(),
            ] {
                let mut cases = vec![text.clone().into_bytes()];
                for _ in 0..20 {
                    let mut bytes = text.clone().into_bytes();
                    if bytes.is_empty() {
                        break;
                    }
                    let at = gen.next(bytes.len() as u64) as usize;
                    match gen.next(3) {
                        0 => drop(bytes.remove(at)),
                        1 => bytes.insert(at, bytes[at]),
                        _ => bytes[at] = structural[gen.next(structural.len() as u64) as usize],
                    }
                    cases.push(bytes);
                }
                for bytes in cases {
                    let Ok(case) = String::from_utf8(bytes) else { continue };
                    let serde = serde_json::from_str::<serde_json::Map<String, Value>>(&case);
                    // serde keeps the last of a repeated key; so does this map.
                    let skim = members(&case).map(|m| m.into_iter().collect::<serde_json::Map<String, Value>>());
                    match (&serde, &skim) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{case}"),
                        (Err(_), Err(_)) => {}
                        _ => panic!("serde {:?} but skim {:?} on {case:?}", serde.is_ok(), skim.is_ok()),
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} cases");
    }

    #[test]
    fn broken_structure_is_an_error_not_a_guess() {
        for bad in [
            "",
            "[]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":[1,2}",
            "{\"a\":{\"b\":1]}",
            "{\"a\":\"unterminated}",
            "{\"a\":\"raw\ncontrol\"}",
            "{\"a\":1} trailing",
            "{a:1}",
            "{\"a\":[,]}",
            "{\"a\":{1:2}}",
            "{\"a\":@}",
            "{\"a\":1}}",
            "{\"a\":\"x\\\"}",
            "{,\"a\":1}",
            "{\"a\":[1,,2]}",
        ] {
            assert!(members(bad).is_err(), "accepted {bad:?}");
        }
        assert!(items("[1,]").is_err());
        assert!(items("[,1]").is_err());
    }

    #[test]
    fn strings_and_integers_decode_exactly() {
        assert_eq!(string("\"plain\"").unwrap(), "plain");
        assert!(matches!(string("\"plain\"").unwrap(), Cow::Borrowed(_)));
        assert_eq!(string(r#""a\u00e9\/\"""#).unwrap(), "a\u{e9}/\"");
        assert_eq!(string("12"), None);
        assert_eq!(string(r#""bad \x escape""#), None);
        assert_eq!(integer("1795553000000"), Some(1_795_553_000_000));
        assert_eq!(integer("-3"), Some(-3));
        for not_int in ["1.5", "1e3", "+1", "01", "\"1\"", "null", "99999999999999999999"] {
            assert_eq!(integer(not_int), None, "{not_int}");
        }
    }

    #[test]
    fn pick_reads_named_members_and_skips_the_rest() {
        let text = r#"{"action":"nodes","nodes":{"action":"inner"},"tag":"mcc1","tag":"mcc2","x\u0061":1}"#;
        let [action, tag, missing, escaped] = pick(text, ["action", "tag", "missing", "xa"]).unwrap();
        assert_eq!(
            action,
            Some("\"nodes\""),
            "a nested key of the same name is not a top-level member"
        );
        assert_eq!(tag, Some("\"mcc2\""));
        assert_eq!(missing, None);
        assert_eq!(escaped, Some("1"), "keys are compared decoded");
        assert!(pick("[1]", ["a"]).is_err());
        assert!(
            pick("{\"a\":1,\"b\":[}", ["a"]).is_err(),
            "the whole object is checked, not only up to the key"
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(pick(&deep, ["a"]).unwrap()[0].is_some());
        // Brackets are matched across the word-sized part of the stack and the spilled part.
        for depth in [63, 64, 65, 130] {
            let mixed: String = (0..depth).map(|d| if d % 3 == 0 { "{\"k\":" } else { "[" }).collect();
            let closing: String = (0..depth).rev().map(|d| if d % 3 == 0 { "}" } else { "]" }).collect();
            let ok = format!("{{\"a\":{mixed}1{closing}}}");
            assert!(pick(&ok, ["a"]).is_ok(), "depth {depth}");
            let swapped = closing.replacen('}', "]", 1);
            assert!(
                pick(&format!("{{\"a\":{mixed}1{swapped}}}"), ["a"]).is_err(),
                "depth {depth}"
            );
        }
    }
}
