//! MeshCentral's login-token cookie (`?login=` and `control.ashx?auth=`): AES-256-GCM with the first 32 bytes of the
//! 80-byte login token key, laid out as iv(12) || tag(16) || ciphertext, base64 with `+`->`@` and `/`->`$`.

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

use crate::error::{Error, Result};
use crate::host::Host;

/// Mints the login cookie for `user_id` (`user/<domain>/<name>`): `{"u", "a": 3, "time", "expire", "once"}`.
/// `expire` (minutes; MeshCentral accepts fractions) bounds its life to `lifetime_seconds` instead of the server's
/// 60-minute default, and `once` (a random nonce the server remembers until the cookie would have expired) makes a
/// second use fail, so a URL copied from a proxy log or browser history is worthless. IV and nonce come from one
/// draw of the host's secure random source.
pub fn mint_login<H: Host>(host: &mut H, key: &[u8], user_id: &str, lifetime_seconds: u32) -> Result<String> {
    let now_ms = host.now_ms();
    let mut rnd = [0u8; 28];
    host.random_fill(&mut rnd)
        .map_err(|_| Error::Host("no secure random source".into()))?;
    let nonce: String = rnd[12..].iter().map(|b| format!("{b:02x}")).collect();
    let payload = serde_json::json!({
        "u": user_id,
        "a": 3,
        "time": now_ms / 1000,
        "expire": f64::from(lifetime_seconds) / 60.0,
        "once": nonce,
    });
    let iv: [u8; 12] = rnd[..12].try_into().expect("12 bytes");
    seal(key, iv, payload.to_string().as_bytes())
}

/// Encrypts `plaintext` (a JSON object) into a cookie string. `iv` must be fresh random bytes for each cookie: only
/// `mint_login` (and tests) call it, so every cookie the core makes has a fresh IV, an expiry and a `once` nonce.
pub(crate) fn seal(key: &[u8], iv: [u8; 12], plaintext: &[u8]) -> Result<String> {
    if key.len() < 32 {
        return Err(Error::InvalidInput("the login token key is too short".into()));
    }
    let cipher = Aes256Gcm::new_from_slice(&key[..32]).map_err(|_| Error::InvalidInput("bad key length".into()))?;
    let mut buf = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(&iv), b"", &mut buf)
        .map_err(|_| Error::Internal("AES-GCM encryption failed".into()))?;
    let mut out = Vec::with_capacity(12 + 16 + buf.len());
    out.extend_from_slice(&iv);
    out.extend_from_slice(&tag);
    out.extend_from_slice(&buf);
    let b64 = base64::engine::general_purpose::STANDARD.encode(out);
    Ok(b64.replace('+', "@").replace('/', "$"))
}

/// Decrypts a cookie made by `seal` (or by MeshCentral); `None` when the key does not match or it is malformed.
pub fn open(key: &[u8], cookie: &str) -> Option<Vec<u8>> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(cookie.replace('@', "+").replace('$', "/"))
        .ok()?;
    if raw.len() < 28 || key.len() < 32 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(&key[..32]).ok()?;
    let mut buf = raw[28..].to_vec();
    cipher
        .decrypt_in_place_detached(Nonce::from_slice(&raw[..12]), b"", &mut buf, raw[12..28].into())
        .ok()?;
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let key = [7u8; 80];
        let c = seal(&key, [1; 12], br#"{"u":"user//a","a":3,"time":1}"#).unwrap();
        assert!(!c.contains('+') && !c.contains('/'));
        assert_eq!(open(&key, &c).unwrap(), br#"{"u":"user//a","a":3,"time":1}"#);
        assert!(open(&[8u8; 80], &c).is_none());
    }

    /// Vector computed with node's crypto exactly as MeshCentral 1.1.55's `encodeCookie` does it
    /// (aes-256-gcm, key = first 32 bytes, iv || tag || ciphertext, base64, + -> @, / -> $).
    #[test]
    fn matches_meshcentral_encode_cookie() {
        let key: Vec<u8> = (0u8..80).collect();
        let iv: [u8; 12] = core::array::from_fn(|i| (i as u8) * 3);
        let c = seal(&key, iv, br#"{"u":"user//alice","a":3,"time":1700000000}"#).unwrap();
        assert_eq!(c, include_str!("../tests/transcripts/cookie-vector.txt").trim());
    }
}
