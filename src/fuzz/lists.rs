//! The `meshes` and `users` readers (`messages::lists`) on generated replies, against a model that reads the same
//! text as a whole `serde_json::Value` tree (what the connector did before the readers skimmed).

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::json::{json_value, object_of};
use super::{bounded, mutated, run};
use crate::messages::lists::{self, ListError};
use crate::messages::route::{route, Route, Routed};
use crate::service::{Account, Group, RETIRED_MARKER};
use proptest::test_runner::TestCaseError;

// ---- the model: serde_json's tree, read the way `parse_groups` / `parse_accounts` used to

fn model_links(v: Option<&Value>) -> BTreeMap<String, u32> {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(id, l)| (id.clone(), l.get("rights").and_then(Value::as_u64).unwrap_or(0) as u32))
        .collect()
}

/// The marker as the connector first read it (`rfind` of the opening tag, then the first `]`).
fn model_marker(desc: &str) -> Option<(String, String)> {
    let rest = &desc[desc.rfind("[meshcentral-connector ")? + "[meshcentral-connector ".len()..];
    let body = &rest[..rest.find(']')?];
    let field = |name: &str| {
        body.split(' ')
            .filter_map(|p| p.strip_prefix(name))
            .next_back()
            .map(str::to_string)
    };
    Some((field("service=")?, field("user=")?))
}

fn model_groups(reply: &Map<String, Value>) -> Result<Vec<Group>, ListError> {
    let list = reply.get("meshes").and_then(Value::as_array).ok_or(ListError::NoList)?;
    Ok(list
        .iter()
        .filter(|m| m.get("deleted").is_none())
        .filter_map(|m| {
            let desc = m.get("desc").and_then(Value::as_str);
            Some(Group {
                id: m.get("_id")?.as_str()?.to_string(),
                name: m.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                marker: desc.and_then(model_marker),
                retired: desc.is_some_and(|d| d.contains(RETIRED_MARKER)),
                creator_id: m.get("creatorid").and_then(Value::as_str).map(str::to_string),
                links: model_links(m.get("links")).into_iter().collect(),
                creation_ms: m.get("creation").and_then(Value::as_u64),
            })
        })
        .collect())
}

fn model_accounts(reply: &Map<String, Value>) -> Result<Vec<Account>, ListError> {
    if let Some(r) = reply.get("result").and_then(Value::as_str) {
        return Err(ListError::Refused(r.to_string()));
    }
    let list = reply.get("users").and_then(Value::as_array).ok_or(ListError::NoList)?;
    Ok(list
        .iter()
        .filter_map(|u| {
            let email = u
                .get("email")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string);
            Some(Account {
                email,
                ..Account::from_links(
                    u.get("_id")?.as_str()?.to_string(),
                    u.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                    u.get("siteadmin").and_then(Value::as_u64).unwrap_or(0) as u32,
                    model_links(u.get("links")).into_iter().collect(),
                )
            })
        })
        .collect())
}

// ---- comparable forms (links as a map: the model's order is sorted, the reader's the server's)

type GroupView = (
    String,
    String,
    Option<(String, String)>,
    bool,
    Option<String>,
    BTreeMap<String, u32>,
    Option<u64>,
);
type AccountView = (String, String, u32, BTreeMap<String, u32>, usize, Option<String>);

fn group_view(g: Group) -> GroupView {
    let links = g.links.into_iter().collect();
    (g.id, g.name, g.marker, g.retired, g.creator_id, links, g.creation_ms)
}

fn account_view(a: Account) -> AccountView {
    let links = a.mesh_links.into_iter().collect();
    (a.id, a.name, a.site_rights, links, a.other_links, a.email)
}

// ---- generators: replies shaped like MeshCentral's, with odd members and values mixed in

fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "4294967295", "0", "-0", "-1", "1.0", "1e3", "18446744073709551615", "18446744073709551616", "null",
            "true", "\"user//admin\"", "\"mesh//m1\"", "{}", "[]",
            "\"x [meshcentral-connector service=k-1 user=mc-k-1]\"",
            "\"[meshcentral-connector retired-agents]\"", "\"a\\u0062c\"", "\"  e@x.test \"",
            "\"[[meshcentral-connector service=a user=b] [meshcentral-connector service=c user=d user=e]\"",
            "\"[meshcentral-connector retired-agents] [meshcentral-connector service=k-2 user=mc-k-2 x]\"",
            "\"[meshcentral-connector [meshcentral-connector retired-agents][ [meshcentral-connector \"",
            "\"meshes\"", "\"users\"", "\"event\"", "\"close\"", "\"mcc1\"", "\"mcc2\"", "\"noauth\"",
        ]).prop_map(String::from),
        1 => json_value(),
    ]
}

fn links() -> impl Strategy<Value = String> {
    let id = prop::sample::select(vec![
        "\"user//a\"",
        "\"user//b\"",
        "\"mesh//m1\"",
        "\"ugrp//g\"",
        "\"us\\u0065r//a\"",
    ]);
    let rights = object_of(
        prop::sample::select(vec!["\"rights\"", "\"name\"", "\"ri\\u0067hts\""]).prop_map(String::from),
        odd_value(),
        3,
    );
    object_of(id.prop_map(String::from), prop_oneof![4 => rights, 1 => odd_value()], 4)
}

fn entry() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "\"_id\"",
        "\"name\"",
        "\"desc\"",
        "\"creatorid\"",
        "\"creation\"",
        "\"deleted\"",
        "\"links\"",
        "\"siteadmin\"",
        "\"email\"",
        "\"other\"",
        "\"_i\\u0064\"",
    ])
    .prop_map(String::from);
    let value = prop_oneof![3 => odd_value(), 1 => links()];
    prop_oneof![8 => object_of(key, value, 8), 1 => odd_value()]
}

fn reply(list: &'static str) -> impl Strategy<Value = String> {
    let array = prop::collection::vec(entry(), 0..5).prop_map(|items| format!("[{}]", items.join(",")));
    let key = prop::sample::select(vec![
        "\"action\"",
        "\"result\"",
        "\"tag\"",
        "\"responseid\"",
        "\"cause\"",
        list,
    ])
    .prop_map(|k| {
        if k.starts_with('"') {
            k.to_string()
        } else {
            format!("\"{k}\"")
        }
    });
    let value = prop_oneof![3 => array, 1 => odd_value()];
    object_of(key, value, 5)
}

fn check<T: PartialEq + std::fmt::Debug>(
    text: &str,
    read: Result<Vec<T>, ListError>,
    model: impl FnOnce(&Map<String, Value>) -> Result<Vec<T>, ListError>,
) -> Result<(), TestCaseError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => prop_assert_eq!(read, model(&m), "{}", text),
        // Not one object: the reader says so. (A text serde refuses inside a skipped value, e.g. an invalid number,
        // may still read: the skimmer checks skipped values for structure only.)
        Ok(_) => prop_assert_eq!(read, Err(ListError::NotJson), "{}", text),
        Err(_) => {}
    }
    Ok(())
}

#[test]
fn group_lists_agree_with_serde() {
    run("meshes reader", 1000, mutated(reply("meshes")), |text| {
        let (read, ids) = bounded("meshes reader", || (lists::groups(&text), lists::group_ids(&text)))?;
        let model_ids: Result<Vec<String>, ListError> = read.clone().map(|g| g.into_iter().map(|g| g.id).collect());
        // Where serde_json reads the text (group_ids skips what groups reads, e.g. link keys with broken escapes).
        if serde_json::from_str::<Value>(&text).is_ok() {
            prop_assert_eq!(ids, model_ids, "group_ids and groups agree on {}", text);
        }
        check(&text, read.map(|g| g.into_iter().map(group_view).collect()), |m| {
            model_groups(m).map(|g| g.into_iter().map(group_view).collect())
        })
    });
}

#[test]
fn account_lists_agree_with_serde() {
    run("users reader", 1000, mutated(reply("users")), |text| {
        let read = bounded("users reader", || lists::accounts(&text))?;
        check(&text, read.map(|a| a.into_iter().map(account_view).collect()), |m| {
            model_accounts(m).map(|a| a.into_iter().map(account_view).collect())
        })
    });
}

/// Reading while routing (`*_routed`, one walk) says what `route` says of the same message, and reads what the
/// unrouted reader reads from a reply. One exception, harmless: a message that is not the reply but whose list the
/// reader cannot read (the skimmer would have stepped over it) is an error instead of skipped.
fn routed_agrees<T: PartialEq + std::fmt::Debug>(
    text: &str,
    routed: Result<Routed<T>, ListError>,
    unrouted: Result<T, ListError>,
) -> Result<(), TestCaseError> {
    match route(text, "meshes", "mcc1") {
        Err(_) => prop_assert!(routed.is_err(), "{}", text),
        Ok(Route::Reply) => prop_assert_eq!(routed, unrouted.map(Routed::Reply), "{}", text),
        Ok(Route::Other) => prop_assert!(
            matches!(routed, Ok(Routed::Other) | Err(ListError::NotJson)),
            "{}",
            text
        ),
        Ok(Route::Close(c)) => {
            let c = c.map(|c| c.into_owned());
            prop_assert!(
                matches!(&routed, Ok(Routed::Close(r)) if *r == c) || routed == Err(ListError::NotJson),
                "{}",
                text
            )
        }
    }
    Ok(())
}

#[test]
fn routed_readers_agree_with_route() {
    run("routed lists", 1000, mutated(reply("meshes")), |text| {
        let (routed, unrouted) = bounded("routed lists", || {
            (
                lists::groups_routed(&text, Some(("meshes", "mcc1"))),
                lists::groups(&text),
            )
        })?;
        routed_agrees(
            &text,
            routed.map(|r| map_routed(r, group_view)),
            unrouted.map(|g| g.into_iter().map(group_view).collect()),
        )?;
        let ids = lists::group_ids_routed(&text, Some(("meshes", "mcc1")));
        routed_agrees(&text, ids, lists::group_ids(&text))
    });
}

fn map_routed<T, U>(r: Routed<Vec<T>>, f: impl Fn(T) -> U) -> Routed<Vec<U>> {
    match r {
        Routed::Reply(v) => Routed::Reply(v.into_iter().map(f).collect()),
        Routed::Other => Routed::Other,
        Routed::Close(c) => Routed::Close(c),
    }
}
