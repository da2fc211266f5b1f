//! The service operations replayed from sessions between the real core and a real MeshCentral 1.1.55, recorded by
//! `tests/transcripts/capture-ops.php`: the core must send the same requests in the same order and reach the same
//! result (including the refusals) from the same server answers.

mod common;

use common::{frames, transcript, ReplayHost};
use meshcentral_connector::dispatch;
use serde_json::{json, Value};

fn replay(name: &str) -> (Value, ReplayHost) {
    let doc = transcript(&format!("op-{name}"));
    let sessions = doc["sessions"].as_array().unwrap().iter().map(frames).collect();
    let mut host = ReplayHost::from_sessions(sessions);
    let mut request = doc["request"].clone();
    request["server"] = json!({"url": "https://127.0.0.1:4430", "username": "connector-admin",
        "password": "Capture-Pass-1", "timeout_ms": 3000});
    let out: Value = serde_json::from_slice(&dispatch::handle(&mut host, request.to_string().as_bytes())).unwrap();
    let expected = match &doc["result"] {
        r if r.get("ok").is_some() => json!({"ok": true, "value": r["ok"]}),
        r => json!({"ok": false, "error": r["error"]}),
    };
    assert_eq!(out, expected, "{name}: same answers, same result");
    (doc, host)
}

fn actions(host: &ReplayHost) -> Vec<String> {
    host.sent
        .iter()
        .map(|s| {
            serde_json::from_str::<Value>(s).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn provision_creates_group_then_user_then_link() {
    let (_, host) = replay("provision");
    assert_eq!(
        actions(&host),
        ["meshes", "users", "createmesh", "adduser", "addmeshuser"]
    );
    let adduser: Value = serde_json::from_str(&host.sent[3]).unwrap();
    assert_eq!(adduser["siteadmin"], 1216, "no new groups, no tools, locked settings");
    let createmesh: Value = serde_json::from_str(&host.sent[2]).unwrap();
    assert!(createmesh["desc"]
        .as_str()
        .unwrap()
        .ends_with("[meshcentral-connector service=capture-1 user=mc-capture-1]"));
}

#[test]
fn provision_rerun_only_reads() {
    let (_, host) = replay("provision-again");
    assert_eq!(actions(&host), ["meshes", "users"]);
}

#[test]
fn provision_refuses_an_account_it_did_not_make_before_creating_anything() {
    let (doc, host) = replay("provision-taken");
    assert_eq!(doc["result"]["error"]["kind"], "not_owned");
    assert_eq!(actions(&host), ["meshes", "users"]);
}

#[test]
fn suspend_sets_the_locked_bit() {
    let (_, host) = replay("suspend");
    assert_eq!(actions(&host), ["meshes", "users", "edituser"]);
    let edit: Value = serde_json::from_str(&host.sent[2]).unwrap();
    assert_eq!(edit["siteadmin"], 1216 | 32);
}

#[test]
fn change_password_waits_for_the_servers_confirmation_event() {
    let (_, host) = replay("change-password");
    assert_eq!(actions(&host), ["meshes", "users", "changeuserpass"]);
}

#[test]
fn list_accounts_reads_three_lists_in_one_session() {
    let (doc, host) = replay("list-accounts");
    assert_eq!(actions(&host), ["meshes", "users", "nodes"]);
    assert_eq!(doc["result"]["ok"][0]["locked"], true);
    // The group's `creation` (ms) and the user's e-mail, as MeshCentral recorded them.
    let mesh_id = doc["result"]["ok"][0]["mesh_id"].as_str().unwrap();
    let meshes: Value = doc["sessions"][0]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["dir"] == "recv")
        .filter_map(|f| serde_json::from_str::<Value>(f["text"].as_str()?).ok())
        .find(|m| m["action"] == "meshes")
        .expect("the recorded meshes reply");
    let group = meshes["meshes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["_id"] == mesh_id)
        .unwrap();
    assert_eq!(doc["result"]["ok"][0]["created_ms"], group["creation"]);
    assert_eq!(doc["result"]["ok"][0]["email"], "c@example.com");
}

#[test]
fn list_accounts_filtered_by_username_keeps_only_that_services_group() {
    let doc = transcript("op-list-accounts");
    for (wanted, count) in [("MC-Capture-1", 1), ("mc-someone-else", 0)] {
        let sessions = doc["sessions"].as_array().unwrap().iter().map(frames).collect();
        let mut host = ReplayHost::from_sessions(sessions);
        let mut request = doc["request"].clone();
        request["server"] = json!({"url": "https://127.0.0.1:4430", "username": "connector-admin",
            "password": "Capture-Pass-1", "timeout_ms": 3000});
        request["username"] = json!(wanted);
        let out: Value = serde_json::from_slice(&dispatch::handle(&mut host, request.to_string().as_bytes())).unwrap();
        assert_eq!(out["value"].as_array().map(Vec::len), Some(count), "{wanted}");
    }
}

#[test]
fn terminate_deletes_user_then_group_and_a_rerun_finds_nothing() {
    let (_, host) = replay("terminate");
    assert_eq!(actions(&host), ["meshes", "users", "deleteuser", "nodes", "deletemesh"]);
    let (doc, host) = replay("terminate-again");
    assert_eq!(actions(&host), ["meshes", "users"]);
    assert_eq!(doc["result"]["ok"]["deleted_group"], false);
}

#[test]
fn an_unknown_group_is_an_error_for_invites_and_for_devices() {
    // Both first prove the group is the connector's from `meshes` (its creator and links), so a group that is not
    // there is `not_found` before anything is asked of it.
    for name in ["invite-unknown-group", "devices-unknown-group"] {
        let (doc, host) = replay(name);
        assert_eq!(actions(&host), ["meshes"], "{name}");
        assert_eq!(doc["result"]["error"]["kind"], "not_found", "{name}");
    }
}

// Paging: a MeshCentral whose domain sets `maxDeviceView` 5 (tests/transcripts/capture-paging.php), 23 devices in
// one service's group and 7 in another's.

/// Replays a (possibly edited) transcript document; returns the dispatch answer and the host.
fn run(doc: &Value) -> (Value, ReplayHost) {
    let sessions = doc["sessions"].as_array().unwrap().iter().map(frames).collect();
    let mut host = ReplayHost::from_sessions(sessions);
    let mut request = doc["request"].clone();
    request["server"] = json!({"url": "https://127.0.0.1:4430", "username": "connector-admin",
        "password": "Capture-Pass-1", "timeout_ms": 3000});
    let out = serde_json::from_slice(&dispatch::handle(&mut host, request.to_string().as_bytes())).unwrap();
    (out, host)
}

/// The `skip` of every `nodes` request the core sent (each one also asks for a page of 1,000).
fn node_skips(host: &ReplayHost) -> Vec<u64> {
    host.sent
        .iter()
        .map(|s| serde_json::from_str::<Value>(s).unwrap())
        .filter(|v| v["action"] == "nodes")
        .map(|v| {
            assert_eq!(v["limit"], 1000, "{v}");
            v["skip"]
                .as_u64()
                .expect("skip is always sent: the session remembers the last one")
        })
        .collect()
}

/// The recorded `nodes` replies of a transcript, by position in its session.
fn node_replies(doc: &Value) -> Vec<usize> {
    let frames = doc["sessions"][0].as_array().unwrap();
    (0..frames.len())
        .filter(|&i| {
            frames[i]["dir"] == "recv" && frames[i]["text"].as_str().unwrap().starts_with(r#"{"action":"nodes""#)
        })
        .collect()
}

#[test]
fn a_paged_device_list_reads_every_page_and_its_last_connections() {
    let (doc, host) = replay("paging-devices");
    let mut expected = vec!["meshes"];
    expected.extend(["nodes", "lastconnects"].repeat(5));
    assert_eq!(
        actions(&host),
        expected,
        "lastconnects per page: a paging server answers it for that page"
    );
    assert_eq!(node_skips(&host), [0, 5, 10, 15, 20]);
    let devices = doc["result"]["ok"].as_array().unwrap();
    let ids: std::collections::BTreeSet<&str> = devices.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 23);
    assert!(devices.iter().all(|d| d["last_seen_ms"].is_u64()));
}

#[test]
fn paged_usage_and_server_sync_count_every_page_of_the_all_groups_list() {
    let (doc, host) = replay("paging-usage");
    assert_eq!(
        actions(&host),
        ["meshes", "nodes", "nodes", "nodes", "nodes", "nodes", "nodes"]
    );
    assert_eq!(
        node_skips(&host),
        [0, 5, 10, 15, 20, 25],
        "30 devices in full pages: the total ends it"
    );
    let counts: Vec<u64> = doc["result"]["ok"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["devices"].as_u64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<u64>(), 30);
    assert!(counts.contains(&23) && counts.contains(&7), "{counts:?}");

    let (doc, host) = replay("paging-list-accounts");
    assert_eq!(node_skips(&host), [0, 5, 10, 15, 20, 25]);
    let devices: Vec<u64> = doc["result"]["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["devices"].as_u64().unwrap())
        .collect();
    assert_eq!(devices, [23, 7]);
}

#[test]
fn usage_answers_null_for_a_group_that_is_gone_and_once_for_a_repeated_one() {
    let mut doc = transcript("op-paging-usage");
    let ids: Vec<Value> = doc["request"]["mesh_ids"].as_array().unwrap().clone();
    let mut asked = ids.clone();
    asked.push(ids[0].clone());
    asked.push(json!("mesh//NeverMadeOnThisServer"));
    doc["request"]["mesh_ids"] = json!(asked);
    let (out, _) = run(&doc);
    let counts = out["value"].as_object().unwrap();
    assert_eq!(counts.len(), 3, "{out}");
    assert_eq!(counts["mesh//NeverMadeOnThisServer"], Value::Null);
    let devices: u64 = ids
        .iter()
        .map(|id| counts[id.as_str().unwrap()]["devices"].as_u64().unwrap())
        .sum();
    assert_eq!(devices, 30, "{out}");
}

#[test]
fn a_page_that_does_not_echo_the_skip_asked_for_is_an_error() {
    let mut doc = transcript("op-paging-usage");
    let second = node_replies(&doc)[1];
    let text = doc["sessions"][0][second]["text"]
        .as_str()
        .unwrap()
        .replace(r#""skip":5"#, r#""skip":0"#);
    doc["sessions"][0][second]["text"] = json!(text);
    let (out, _) = run(&doc);
    assert_eq!(out["error"]["kind"], "remote", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("paging not honoured"),
        "{out}"
    );
}

#[test]
fn paged_terminate_rereads_the_first_page_until_the_group_is_empty() {
    let (doc, host) = replay("paging-terminate");
    assert_eq!(
        node_skips(&host),
        [0; 6],
        "never skip: moving devices out shifts every later page"
    );
    let sent = actions(&host);
    assert_eq!(sent.iter().filter(|a| *a == "changeDeviceMesh").count(), 23);
    assert_eq!(
        sent[sent.len() - 2..],
        ["nodes", "deletemesh"],
        "deleted only after an empty page"
    );
    assert_eq!(doc["result"]["ok"]["retired_devices"], 23);
}

#[test]
fn terminate_stops_before_deleting_when_a_moved_device_is_still_listed() {
    // The second read of the first page answers as the first did: the five devices MeshCentral reported moved.
    let mut doc = transcript("op-paging-terminate");
    let replies = node_replies(&doc);
    let text = |i: usize| doc["sessions"][0][replies[i]]["text"].as_str().unwrap().to_string();
    let tag = |t: &str| {
        serde_json::from_str::<Value>(t).unwrap()["responseid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (first, second) = (text(0), text(1));
    let again = first.replace(&format!(r#""{}""#, tag(&first)), &format!(r#""{}""#, tag(&second)));
    doc["sessions"][0][replies[1]]["text"] = json!(again);
    let (out, host) = run(&doc);
    assert_eq!(out["error"]["kind"], "remote", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("after MeshCentral reported it moved"),
        "{out}"
    );
    assert!(
        !actions(&host).contains(&"deletemesh".to_string()),
        "the group is not deleted"
    );
}

#[test]
fn audit_reads_groups_and_accounts_once_and_finds_the_captured_service_clean() {
    // The server sync session's first two replies are all the audit asks for (it needs no device counts).
    let doc = transcript("op-list-accounts");
    let sessions = doc["sessions"].as_array().unwrap().iter().map(frames).collect();
    let mut host = ReplayHost::from_sessions(sessions);
    let request = json!({"op": "audit", "server": {"url": "https://127.0.0.1:4430", "username": "connector-admin",
        "password": "Capture-Pass-1", "timeout_ms": 3000}, "key_prefix": "capture-"});
    let out: Value = serde_json::from_slice(&dispatch::handle(&mut host, request.to_string().as_bytes())).unwrap();
    assert_eq!(actions(&host), ["meshes", "users"]);
    let audit = &out["value"];
    assert_eq!(audit["findings"], json!([]), "{out}");
    assert_eq!(
        audit["services"][0]["service_key"],
        doc["result"]["ok"][0]["service_key"]
    );
    assert_eq!(audit["services"][0]["locked"], true);
    assert_eq!(audit["services"][0]["ok"], true);
}
