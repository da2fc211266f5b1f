//! MeshCentral's messages: pure functions between the texts on the wire and the typed values the operations use
//! (requests, reply routing, the login greeting, list replies). Nothing here sends or waits; the session
//! (`session`) moves the texts, the way quinn-proto keeps its frames apart from its connection.

pub mod greeting;
pub mod lists;
pub mod reply;
pub mod route;
