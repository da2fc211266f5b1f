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
    assert_eq!(doc["result"]["ok"][0]["created_ms"], 1_796_117_583_911_u64);
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
