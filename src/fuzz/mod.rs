//! Property (fuzz) tests of the parsers that read what a peer or an admin typed: the JSON skimmer and reply routing
//! (`json`), the `meshes`/`users` readers (`lists`), the server settings and URLs (`settings`), the login cookie (`cookie`). Each target is one `#[test]`
//! running a proptest `TestRunner` over generated input: structured values (valid JSON, settings lines) and mutations
//! of them (truncations, byte flips, inserted structural bytes, deep nesting, huge numbers, escapes).
//!
//! Every target checks: no panic, a bound on the work of each input (a parse taking over `MAX_PARSE` fails the case:
//! a guard against exponential behaviour, not a timing test), and, where serde_json applies, the same answer as
//! serde_json on the same text.
//!
//! `cargo test` runs a few hundred inputs per target (seconds); `PROPTEST_CASES=1000000` (bench/fuzz.sh, in release)
//! runs a million and prints the count and time of each target (`--nocapture`).

mod cookie;
mod json;
mod lists;
mod settings;

use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// A single parse slower than this is a failure: every parser here is linear in its input, which is at most a few
/// hundred kilobytes, so even a debug build stays far below it.
pub(crate) const MAX_PARSE: Duration = Duration::from_secs(1);

/// Inputs per target: `PROPTEST_CASES` when set, else `default` (kept small so `cargo test` takes seconds).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `property` on `cases(default)` inputs drawn from `strategy`; panics with the shrunk failing input.
pub(crate) fn run<S>(name: &str, default: u32, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let cases = cases(default);
    let config = Config {
        cases,
        // Failures are fixed with a named regression test instead of a persisted seed file.
        failure_persistence: None,
        // The filters (e.g. well-formed Access Hash lines) reject a few percent: the limits grow with the count.
        max_local_rejects: cases.saturating_mul(16).max(65_536),
        max_global_rejects: cases.saturating_mul(4).max(1024),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let start = Instant::now();
    if let Err(e) = runner.run(&strategy, property) {
        panic!("fuzz {name}: {e}");
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {name}: {cases} inputs in {secs:.1} s ({:.1} us/input)",
        secs * 1e6 / f64::from(cases.max(1))
    );
}

/// `f`'s value, failing the case when it took longer than `MAX_PARSE`.
pub(crate) fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let value = f();
    let took = start.elapsed();
    if took > MAX_PARSE {
        return Err(TestCaseError::fail(format!("{what} took {took:?}")));
    }
    Ok(value)
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    Truncate(Index),
    Flip(Index, u8),
    Set(Index, u8),
    Delete(Index),
    Insert(Index, Vec<u8>),
    /// A copy of the bytes from the first index to the second, inserted at the second.
    Repeat(Index, Index),
}

/// The bytes that matter to JSON and URL parsers, as replacement/insertion material; anything else sometimes.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b"{}[]\":,\\ \n\t0123456789-+.eEtfnu/:@?#%=\r\x00\x1f\x7f\xc3\xa9\xff".to_vec()),
        1 => any::<u8>(),
    ]
}

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
        (any::<Index>(), interesting_byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<Index>().prop_map(Mutation::Delete),
        (any::<Index>(), prop::collection::vec(interesting_byte(), 1..4)).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Repeat(a, b)),
    ]
}

pub(crate) fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        if len == 0 {
            if let Mutation::Insert(_, b) = m {
                bytes.extend_from_slice(b);
            }
            continue;
        }
        match m {
            Mutation::Truncate(i) => bytes.truncate(i.index(len)),
            Mutation::Flip(i, bit) => bytes[i.index(len)] ^= 1 << bit,
            Mutation::Set(i, b) => bytes[i.index(len)] = *b,
            Mutation::Delete(i) => drop(bytes.remove(i.index(len))),
            Mutation::Insert(i, b) => {
                let at = i.index(len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Repeat(a, b) => {
                let (a, b) = (a.index(len), b.index(len));
                let (from, to) = (a.min(b), a.max(b));
                let copy = bytes[from..to].to_vec();
                bytes.splice(to..to, copy);
            }
        }
    }
    bytes
}

/// `text` as generated (half the time) or with one to three mutations, as bytes.
pub(crate) fn mutated_bytes(text: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<u8>> {
    (
        text,
        prop_oneof![1 => Just(Vec::new()), 1 => prop::collection::vec(mutation(), 1..4)],
    )
        .prop_map(|(t, m)| apply(t.into_bytes(), &m))
}

/// `mutated_bytes` for `&str` entry points: a mutation that breaks UTF-8 becomes U+FFFD, as a host decoding the
/// bytes would hand it over.
pub(crate) fn mutated(text: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    mutated_bytes(text)
        .prop_map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}
