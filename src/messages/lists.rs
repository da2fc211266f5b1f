//! The two replies that list a whole server: `meshes` (every device group the account may see) and `users` (every
//! account, for a site administrator). At 10,000 services they are ~5 MB and ~4.3 MB, and the connector's own
//! groups and accounts are most of them: they are skimmed (`skim`), each group or account read into the few fields
//! ownership and lookups need, never built as a `serde_json::Value` tree (which costs ~1 s per MB on the translated
//! backend, and several times the memory). Same answers as reading the whole tree with serde_json: the property test
//! in `fuzz::json` compares both on generated replies.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Error;
use crate::messages::reply::ReplyFault;
use crate::messages::route::{Route, Routed, Routing};
use crate::service::{is_retired, parse_marker, Account, Group};
use crate::skim::{self, Cursor, Flow, Skim};

/// Why a list reply could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListError {
    /// The text is not one JSON object (a broken or hostile peer).
    NotJson,
    /// A JSON object without the list (`meshes` / `users` array).
    NoList,
    /// MeshCentral refused: its `result` text (e.g. `Access denied` for `users` without MANAGEUSERS).
    Refused(String),
}

impl ListError {
    /// The core's error for a list reply to `action` that could not be read; `not_json` builds the session's
    /// "not MeshCentral" error (it knows the server's URL).
    pub fn into_error(self, action: &str, not_json: impl FnOnce() -> Error) -> Error {
        match self {
            ListError::NotJson => not_json(),
            ListError::NoList => Error::BadReply {
                action: action.into(),
                fault: ReplyFault::NoList,
            },
            ListError::Refused(message) => Error::Remote {
                action: action.into(),
                message,
            },
        }
    }
}

/// Which request a reply is read for: its action and the tag it was sent with (`messages::route`), so that one walk
/// routes and reads it. None: the text is known to be the reply.
pub type Expect<'e> = Option<(&'e str, &'e str)>;

/// The groups that exist (not marked `deleted`) in a `meshes` reply, in the server's order.
pub fn groups(text: &str) -> std::result::Result<Vec<Group>, ListError> {
    Ok(reply_or_empty(groups_routed(text, None)?))
}

/// Only the ids of the groups that exist in a `meshes` reply (what a device count needs: every other member of
/// each group is skipped unread).
pub fn group_ids(text: &str) -> std::result::Result<Vec<String>, ListError> {
    Ok(reply_or_empty(group_ids_routed(text, None)?))
}

/// The accounts in a `users` reply, in the server's order.
pub fn accounts(text: &str) -> std::result::Result<Vec<Account>, ListError> {
    Ok(reply_or_empty(accounts_routed(text, None)?))
}

fn reply_or_empty<T: Default>(r: Routed<T>) -> T {
    match r {
        Routed::Reply(t) => t,
        _ => T::default(),
    }
}

/// `groups` of a message that may or may not be the reply to `expect`.
pub fn groups_routed(text: &str, expect: Expect<'_>) -> std::result::Result<Routed<Vec<Group>>, ListError> {
    collect(text, "meshes", false, expect, group)
}

/// `group_ids` of a message that may or may not be the reply to `expect`.
pub fn group_ids_routed(text: &str, expect: Expect<'_>) -> std::result::Result<Routed<Vec<String>>, ListError> {
    collect(text, "meshes", false, expect, |c| {
        if c.peek() != Some(b'{') {
            return Ok(None);
        }
        let (mut id, mut deleted) = (None, false);
        c.object(|c, key| {
            match key.as_ref() {
                "_id" => id = Some(c.raw()?),
                "deleted" => deleted = true,
                _ => {}
            }
            Ok(Flow::Continue(()))
        })?;
        Ok(id.and_then(skim::owned_string).filter(|_| !deleted))
    })
}

/// `accounts` of a message that may or may not be the reply to `expect`.
pub fn accounts_routed(text: &str, expect: Expect<'_>) -> std::result::Result<Routed<Vec<Account>>, ListError> {
    collect(text, "users", true, expect, account)
}

/// The entries `entry` reads from the list member `list` (entries it answers None for are left out).
fn collect<'t, T>(
    text: &'t str,
    list: &str,
    refusable: bool,
    expect: Expect<'_>,
    mut entry: impl FnMut(&mut Cursor<'t>) -> Skim<Option<T>>,
) -> std::result::Result<Routed<Vec<T>>, ListError> {
    let out = std::cell::RefCell::new(Vec::new());
    let route = read_list(
        text,
        list,
        refusable,
        |c| {
            if let Some(t) = entry(c)? {
                out.borrow_mut().push(t);
            }
            Ok(())
        },
        || out.borrow_mut().clear(),
        expect,
    )?;
    Ok(match route {
        Route::Reply => Routed::Reply(out.into_inner()),
        Route::Other => Routed::Other,
        Route::Close(cause) => Routed::Close(cause.map(Cow::into_owned)),
    })
}

/// Walks the reply object once, calling `item` on each entry of its array member `list` (when the member repeats,
/// the last one counts, as serde_json keeps it: `reset` forgets what an earlier one gave). With `refusable`, a string
/// `result` is MeshCentral's refusal (`users` answers `Access denied` that way; `meshes` always lists). One pass: at
/// 10,000 services the lists are megabytes, and each pass over them costs ~1 s on the translated backend.
fn read_list<'t>(
    text: &'t str,
    list: &str,
    refusable: bool,
    mut item: impl FnMut(&mut Cursor<'t>) -> Skim<()>,
    mut reset: impl FnMut(),
    expect: Option<(&str, &str)>,
) -> std::result::Result<Route<'t>, ListError> {
    let mut cursor = Cursor::new(text);
    let (mut seen, mut refusal) = (false, None);
    let mut routing = Routing::default();
    let mut decided = None;
    cursor
        .object(|c, key| {
            if let Some((action, tag)) = expect {
                if routing.note(&key, c)? {
                    decided = decided.take().or_else(|| routing.decided(action, tag));
                    // Not the reply (an event, say): the rest is not read.
                    return Ok(match decided {
                        Some(Route::Other | Route::Close(_)) => Flow::Break(()),
                        _ => Flow::Continue(()),
                    });
                }
            }
            if key == list {
                if c.peek() == Some(b'[') {
                    if seen {
                        reset();
                    }
                    seen = true;
                    c.array(|c| {
                        item(c)?;
                        Ok(Flow::Continue(()))
                    })?;
                } else {
                    // A later non-array member of that name is what serde_json would keep.
                    seen = false;
                    reset();
                }
            } else if key == "result" && refusable {
                refusal = Some(skim::owned_string(c.raw()?));
            }
            Ok(Flow::Continue(()))
        })
        .map_err(|_| ListError::NotJson)?;
    let route = match decided {
        Some(not_ours @ (Route::Other | Route::Close(_))) => return Ok(not_ours),
        Some(Route::Reply) => Route::Reply,
        None if expect.is_none() => Route::Reply,
        None => {
            cursor.finish().map_err(|_| ListError::NotJson)?;
            match routing.at_end() {
                Route::Reply => Route::Reply,
                other => return Ok(other),
            }
        }
    };
    cursor.finish().map_err(|_| ListError::NotJson)?;
    if let Some(Some(text)) = refusal {
        return Err(ListError::Refused(text));
    }
    if !seen {
        return Err(ListError::NoList);
    }
    Ok(route)
}

/// One `meshes` entry; None for an entry that is not a group object with a string `_id`, or is marked deleted.
fn group(c: &mut Cursor<'_>) -> Skim<Option<Group>> {
    if c.peek() != Some(b'{') {
        return Ok(None);
    }
    let (mut id, mut name, mut desc, mut creator, mut creation) = (None, None, None, None, None);
    let mut links = Vec::new();
    let mut deleted = false;
    c.object(|c, key| {
        match key.as_ref() {
            "_id" => id = Some(c.raw()?),
            "name" => name = Some(c.raw()?),
            "desc" => desc = Some(c.raw()?),
            "creatorid" => creator = Some(c.raw()?),
            "creation" => creation = Some(c.raw()?),
            "deleted" => deleted = true,
            "links" => links = read_links(c)?,
            _ => {}
        }
        Ok(Flow::Continue(()))
    })?;
    let Some(id) = id.and_then(skim::owned_string) else {
        return Ok(None);
    };
    if deleted {
        return Ok(None);
    }
    let desc = desc.and_then(skim::string);
    Ok(Some(Group {
        id,
        name: name.and_then(skim::owned_string).unwrap_or_default(),
        marker: desc.as_deref().and_then(parse_marker),
        retired: desc.as_deref().is_some_and(is_retired),
        creator_id: creator.and_then(skim::owned_string),
        links,
        creation_ms: creation.and_then(unsigned),
    }))
}

/// One `users` entry; None for an entry that is not an account object with a string `_id`.
fn account(c: &mut Cursor<'_>) -> Skim<Option<Account>> {
    if c.peek() != Some(b'{') {
        return Ok(None);
    }
    let (mut id, mut name, mut site, mut email) = (None, None, None, None);
    let mut links = Vec::new();
    c.object(|c, key| {
        match key.as_ref() {
            "_id" => id = Some(c.raw()?),
            "name" => name = Some(c.raw()?),
            "siteadmin" => site = Some(c.raw()?),
            "email" => email = Some(c.raw()?),
            "links" => links = read_links(c)?,
            _ => {}
        }
        Ok(Flow::Continue(()))
    })?;
    let Some(id) = id.and_then(skim::owned_string) else {
        return Ok(None);
    };
    let email = email
        .and_then(skim::string)
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    Ok(Some(Account {
        email,
        ..Account::from_links(
            id,
            name.and_then(skim::owned_string).unwrap_or_default(),
            site.and_then(unsigned).unwrap_or(0) as u32,
            links,
        )
    }))
}

/// A `links` member: `{ "<id>": { "rights": <n>, ... }, ... }`; anything but an object is no links. Rights that are
/// not a whole non-negative number count as 0. A repeated id keeps its first place and its last rights (serde_json's
/// map keeps one entry per key, the last). The connector's own account has a link per group it made (10,000 at
/// 10,000 services), so repeats are found through an index once a list is longer than a few entries.
fn read_links(c: &mut Cursor<'_>) -> Skim<Vec<(String, u32)>> {
    let mut links: Vec<(String, u32)> = Vec::new();
    if c.peek() != Some(b'{') {
        return Ok(links);
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    c.object(|c, id| {
        let mut rights = None;
        if c.peek() == Some(b'{') {
            c.object(|c, key| {
                if key == "rights" {
                    rights = Some(c.raw()?);
                }
                Ok(Flow::Continue(()))
            })?;
        }
        let rights = rights.and_then(unsigned).unwrap_or(0) as u32;
        let known = if links.len() < SMALL_LINKS {
            links.iter().position(|(known, _)| *known == id)
        } else {
            if index.is_empty() {
                index.extend(links.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)));
            }
            index.get(id.as_ref()).copied()
        };
        match known {
            Some(i) => links[i].1 = rights,
            None => {
                if !index.is_empty() {
                    index.insert(id.to_string(), links.len());
                }
                links.push((Cow::into_owned(id), rights));
            }
        }
        Ok(Flow::Continue(()))
    })?;
    Ok(links)
}

/// Up to this many links a linear search for a repeated id is cheaper than an index.
const SMALL_LINKS: usize = 8;

/// `serde_json::Value::as_u64` on a raw value: a whole number within u64 (not a fraction, not an exponent form).
fn unsigned(raw: &str) -> Option<u64> {
    let digits = raw.as_bytes();
    // Most are plain digits (rights, creation times): folded here, as serde_json's number parser is a visible cost
    // per link at 10,000 services on the translated backend. 19 digits always fit a u64; a leading zero is serde's
    // to refuse.
    if (1..=19).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || digits.len() == 1)
    {
        return Some(digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')));
    }
    match digits.first() {
        Some(b'0'..=b'9') => serde_json::from_str::<u64>(raw).ok(),
        // `-0` and the like: rare enough to ask serde_json what it makes of them.
        Some(b'-') => serde_json::from_str::<serde_json::Value>(raw).ok()?.as_u64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_agrees_with_serde_json() {
        for raw in [
            "0",
            "7",
            "00",
            "01",
            "4294967295",
            "1795553176000",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "-0",
            "-1",
            "1.0",
            "1e3",
            "1E+2",
            "0.5",
            "",
        ] {
            let serde = serde_json::from_str::<serde_json::Value>(raw)
                .ok()
                .and_then(|v| v.as_u64());
            assert_eq!(unsigned(raw), serde, "{raw:?}");
        }
    }

    #[test]
    fn long_link_lists_keep_first_places_and_last_rights() {
        // 20 ids, then 5 and 15 again: the index path (more than SMALL_LINKS) must agree with serde_json's map.
        let mut members: Vec<String> = (0..20).map(|i| format!("\"user//u{i}\":{{\"rights\":{i}}}")).collect();
        members.push("\"user//u5\":{\"rights\":500}".into());
        members.push("\"user//u15\":{\"rights\":1500}".into());
        let text = format!(
            "{{\"action\":\"users\",\"users\":[{{\"_id\":\"user//admin\",\"links\":{{{}}}}}]}}",
            members.join(",")
        );
        let admin = &accounts(&text).unwrap()[0];
        let mut want: Vec<(String, u32)> = (0..20).map(|i| (format!("user//u{i}"), i)).collect();
        want[5].1 = 500;
        want[15].1 = 1500;
        assert_eq!(admin.other_links, 20);
        let group = format!(
            "{{\"meshes\":[{{\"_id\":\"mesh//m\",\"links\":{{{}}}}}]}}",
            members.join(",")
        );
        assert_eq!(groups(&group).unwrap()[0].links, want);
    }
}
