//! The login cookie reader (`cookie::open`) on arbitrary and mutated cookies.

use proptest::collection::vec;
use proptest::prelude::*;

use super::{bounded, mutated, run};
use crate::cookie::{open, seal};

#[test]
fn open_never_panics_and_only_returns_what_was_sealed() {
    let strategy = (
        vec(any::<u8>(), 0..100),
        any::<[u8; 12]>(),
        vec(any::<u8>(), 0..200),
        any::<bool>(),
        // Arbitrary text in the cookie alphabet (and outside it), for the reads of something never sealed.
        "[A-Za-z0-9@$+/=]{0,80}|.{0,40}",
    );
    run(
        "cookie",
        1000,
        strategy.prop_flat_map(|(key, iv, plain, forge, junk)| {
            let sealed = seal(&key, iv, &plain).ok();
            let text = if forge { junk } else { sealed.clone().unwrap_or(junk) };
            (Just(key), Just(plain), Just(sealed), mutated(Just(text)))
        }),
        |(key, plain, sealed, cookie)| {
            let opened = bounded("cookie open", || open(&key, &cookie))?;
            if key.len() < 32 {
                prop_assert!(opened.is_none(), "a short key opened {cookie:?}");
            } else if sealed.as_deref() == Some(cookie.as_str()) {
                prop_assert_eq!(opened, Some(plain));
            } else if let Some(got) = opened {
                // A mutated or arbitrary cookie opens only if it still decodes to the sealed bytes (AES-GCM's tag).
                prop_assert!(sealed.is_some() && got == plain, "forged {cookie:?} opened to {got:?}");
            }
            Ok(())
        },
    );
}
