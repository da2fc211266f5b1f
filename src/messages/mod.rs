//! Readers of MeshCentral's messages: pure functions from a message's text to the typed values the operations use.
//! Nothing here sends or waits; the session (`session`) moves the texts.

pub mod lists;
