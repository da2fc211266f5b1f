//! Reading `nodes` page by page: the one loop every operation that lists devices goes through (devices, usage,
//! server sync, terminate).
//!
//! What MeshCentral 1.1.55 does (meshuser.js, `case 'nodes'`): when the domain sets `maxDeviceView`, a reply holds at
//! most that many devices; the request's `skip` (a number >= 0) and `limit` (a number > 0, capped at `maxDeviceView`)
//! choose the page, and the reply echoes `skip` and `limit` and adds `totalcount` when there is more than one page.
//! Without `maxDeviceView` both are ignored and the reply holds every device (then it carries no `limit`). `skip` and
//! `limit` are remembered by the session (a request without them reuses the last ones), so every request here sends
//! both. The database query has no ORDER BY: pages are only consistent while nothing changes, which is why terminate
//! does not walk pages while it moves devices out (see `ops::terminate`).

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::host::Host;
use crate::messages::reply::ReplyFault;
use crate::session::Session;
use crate::skim::{self, Cursor, Flow};

/// Devices asked for per request. A node record is ~0.6 KB as MeshCentral 1.1.55 sends it (a 100-device reply is
/// ~60 KB), so a page is ~0.6 MB, far below the 16 MiB message limit (`config::MAX_MESSAGE_BYTES`) even for records
/// twenty times that size. MeshCentral lowers it to the domain's `maxDeviceView` when that is smaller.
pub const PAGE_SIZE: u64 = 1000;

/// Pages read before giving up: a server that keeps answering full pages (100 million devices at 1,000 a page, or
/// 100,000 at `maxDeviceView` 1) is not one the loop should follow for ever.
pub const MAX_PAGES: u32 = 100_000;

/// What one `nodes` reply says about paging, besides its devices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    /// Devices in this reply, over all its groups.
    pub nodes: u64,
    /// `skip` / `limit` as the server applied them; both absent when the server does not page.
    pub skip: Option<u64>,
    pub limit: Option<u64>,
    /// `totalcount`: only when there is more than one page.
    pub total: Option<u64>,
}

/// Reads one `nodes` reply in one pass: calls `node(group_id, cursor)` with the cursor on each device (a device the
/// callback leaves unread is skipped) and returns the paging fields. An error text (`result`, e.g. `Invalid group
/// id`) is a `remote` error; a reply without a `nodes` object is malformed (never "no devices": terminate deletes the
/// group when it sees none).
pub fn read_page(text: &str, mut node: impl FnMut(&str, &mut Cursor<'_>) -> skim::Skim<()>) -> Result<Page> {
    let mut page = Page::default();
    let (mut result, mut has_nodes) = (None, false);
    let mut cursor = Cursor::new(text);
    let read = cursor.object(|c, key| {
        match key.as_ref() {
            "result" => result = skim::string(c.raw()?).map(|t| t.into_owned()),
            "skip" => page.skip = count(c.raw()?),
            "limit" => page.limit = count(c.raw()?),
            "totalcount" => page.total = count(c.raw()?),
            "nodes" if c.peek() == Some(b'{') => {
                has_nodes = true;
                c.object(|c, group| {
                    if c.peek() == Some(b'[') {
                        c.array(|c| {
                            page.nodes += 1;
                            node(&group, c)?;
                            Ok(Flow::Continue(()))
                        })?;
                    }
                    Ok(Flow::Continue(()))
                })?;
            }
            _ => {}
        }
        Ok(Flow::Continue(()))
    });
    let malformed = read.and_then(|_| cursor.finish()).is_err();
    match result {
        Some(text) if text != "ok" && !malformed => Err(Error::Remote {
            action: "nodes".into(),
            message: text,
        }),
        _ if malformed || !has_nodes => Err(Error::BadReply {
            action: "nodes".into(),
            fault: ReplyFault::BadNodeList,
        }),
        _ => Ok(page),
    }
}

fn count(raw: &str) -> Option<u64> {
    skim::integer(raw).and_then(|v| u64::try_from(v).ok())
}

/// The request for the first page (`skip` 0: the session remembers the last `skip` it was sent).
pub fn first_page(mesh_id: Option<&str>) -> Value {
    let mut fields = json!({"skip": 0, "limit": PAGE_SIZE});
    if let Some(id) = mesh_id {
        fields["meshid"] = json!(id);
    }
    fields
}

/// The paging loop's state: which page to ask for next, and when the last one was read. Pure (no session), so the
/// rules are tested on replayed replies; `fetch` runs it on a session.
#[derive(Debug, Clone)]
pub struct Pager {
    mesh_id: Option<String>,
    skip: u64,
    pages: u32,
    done: bool,
}

impl Pager {
    /// Every device the session can see (`mesh_id` None), or one group's.
    pub fn new(mesh_id: Option<&str>) -> Self {
        Pager {
            mesh_id: mesh_id.map(str::to_string),
            skip: 0,
            pages: 0,
            done: false,
        }
    }

    /// The next request's fields (always with `skip` and `limit`: the session remembers the last ones); None once
    /// every page was read.
    pub fn request(&self) -> Option<Value> {
        if self.done {
            return None;
        }
        let mut fields = first_page(self.mesh_id.as_deref());
        fields["skip"] = json!(self.skip);
        Some(fields)
    }

    /// Takes the page the last request got. The last page is the one shorter than the `limit` the server applied
    /// (an empty one included), or the one that reaches `totalcount`; a reply without `limit` is a server that does
    /// not page, whose one reply holds everything.
    pub fn advance(&mut self, page: &Page) -> Result<()> {
        self.pages += 1;
        let Some(limit) = page.limit else {
            self.done = true;
            return Ok(());
        };
        if page.skip != Some(self.skip) || limit == 0 {
            return Err(Error::Remote {
                action: "nodes".into(),
                message: format!(
                    "asked for the devices from {} on, the reply says skip {:?} limit {limit} (paging not honoured)",
                    self.skip, page.skip
                ),
            });
        }
        if page.nodes < limit {
            self.done = true;
            return Ok(());
        }
        self.skip += page.nodes;
        if page.total.is_some_and(|total| self.skip >= total) {
            self.done = true;
        } else if self.pages >= MAX_PAGES {
            return Err(Error::Remote {
                action: "nodes".into(),
                message: format!("still more devices after {MAX_PAGES} pages of {limit}; stopped reading"),
            });
        }
        Ok(())
    }

    /// Asks for and reads the next page (`node` as in `read_page`); None once every page was read.
    pub fn fetch<H: Host>(
        &mut self,
        session: &mut Session<'_, H>,
        node: impl FnMut(&str, &mut Cursor<'_>) -> skim::Skim<()>,
    ) -> Result<Option<Page>> {
        let Some(fields) = self.request() else {
            return Ok(None);
        };
        let text = session.call_text("nodes", fields)?;
        let page = read_page(&text, node)?;
        self.advance(&page)?;
        Ok(Some(page))
    }
}

/// Reads every page (see `Pager`), handing each device to `node`; returns how many devices were read.
pub fn each_node<H: Host>(
    session: &mut Session<'_, H>,
    mesh_id: Option<&str>,
    mut node: impl FnMut(&str, &mut Cursor<'_>) -> skim::Skim<()>,
) -> Result<u64> {
    let mut pager = Pager::new(mesh_id);
    let mut read = 0;
    while let Some(page) = pager.fetch(session, &mut node)? {
        read += page.nodes;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page as `read_page` reports it (counts only).
    fn counted(nodes: u64, skip: Option<u64>, limit: Option<u64>, total: Option<u64>) -> Page {
        Page {
            nodes,
            skip,
            limit,
            total,
        }
    }

    fn page(text: &str) -> Page {
        read_page(text, |_, _| Ok(())).unwrap()
    }

    #[test]
    fn a_server_that_does_not_page_answers_once() {
        let mut pager = Pager::new(Some("mesh//a"));
        assert_eq!(
            pager.request(),
            Some(json!({"skip": 0, "limit": PAGE_SIZE, "meshid": "mesh//a"}))
        );
        let p = page(r#"{"action":"nodes","nodes":{"mesh//a":[{"_id":"node//1"},{"_id":"node//2"}]}}"#);
        assert_eq!(
            p,
            Page {
                nodes: 2,
                ..Page::default()
            }
        );
        pager.advance(&p).unwrap();
        assert_eq!(pager.request(), None);
    }

    #[test]
    fn pages_follow_skip_until_a_short_page_or_the_total() {
        let mut pager = Pager::new(None);
        for (skip, nodes, total) in [(0, 5, Some(12)), (5, 5, Some(12))] {
            assert_eq!(pager.request().unwrap()["skip"], skip);
            pager
                .advance(&Page {
                    nodes,
                    skip: Some(skip),
                    limit: Some(5),
                    total,
                })
                .unwrap();
        }
        pager.advance(&counted(2, Some(10), Some(5), Some(12))).unwrap();
        assert_eq!(pager.request(), None, "a short page is the last");

        // Exactly full pages: the total ends it, without asking for an empty page.
        let mut pager = Pager::new(None);
        pager.advance(&counted(5, Some(0), Some(5), Some(10))).unwrap();
        pager.advance(&counted(5, Some(5), Some(5), Some(10))).unwrap();
        assert_eq!(pager.request(), None);

        // No total on a full page (the count failed on the server): ask on until a page comes back short or empty.
        let mut pager = Pager::new(None);
        pager.advance(&counted(5, Some(0), Some(5), None)).unwrap();
        assert_eq!(pager.request().unwrap()["skip"], 5);
        pager.advance(&counted(0, Some(5), Some(5), None)).unwrap();
        assert_eq!(pager.request(), None);
    }

    #[test]
    fn a_server_that_ignores_skip_or_never_ends_is_an_error() {
        let mut pager = Pager::new(None);
        pager.advance(&counted(5, Some(0), Some(5), Some(20))).unwrap();
        let e = pager.advance(&counted(5, Some(0), Some(5), Some(20))).unwrap_err();
        assert!(e.to_string().contains("paging not honoured"), "{e}");

        let mut pager = Pager::new(None);
        let mut skip = 0;
        let e = loop {
            match pager.advance(&counted(1, Some(skip), Some(1), None)) {
                Ok(()) => skip += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(skip, u64::from(MAX_PAGES) - 1);
        assert!(e.to_string().contains("stopped reading"), "{e}");
    }

    #[test]
    fn replies_are_read_in_one_pass_and_broken_ones_are_errors() {
        let text = r#"{"action":"nodes","nodes":{"mesh//a":[{"_id":"1"},{"_id":"2"}],"mesh//b":[{"_id":"3"}]},"tag":"t","skip":10,"limit":3,"totalcount":13}"#;
        let mut seen = Vec::new();
        let p = read_page(text, |group, c| {
            let [id] = skim::pick(c.raw()?, ["_id"])?;
            seen.push((group.to_string(), id.and_then(skim::owned_string).unwrap()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            p,
            Page {
                nodes: 3,
                skip: Some(10),
                limit: Some(3),
                total: Some(13)
            }
        );
        assert_eq!(
            seen,
            [("mesh//a", "1"), ("mesh//a", "2"), ("mesh//b", "3")].map(|(g, i)| (g.into(), i.into()))
        );

        let e = read_page(r#"{"action":"nodes","result":"Invalid group id"}"#, |_, _| Ok(())).unwrap_err();
        assert_eq!(e.to_string(), "MeshCentral refused nodes: Invalid group id");
        for broken in [
            r#"{"action":"nodes"}"#,
            r#"{"action":"nodes","nodes":[]}"#,
            r#"{"nodes":{"m":[{]}}"#,
        ] {
            let e = read_page(broken, |_, _| Ok(())).unwrap_err();
            assert!(e.to_string().contains("malformed"), "{broken}: {e}");
        }
    }
}
