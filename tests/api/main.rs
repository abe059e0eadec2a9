//! Integration tests: the real router over a real SQLite file built from the
//! real seeds. One binary, so the crate is linked once.

mod annotations;
mod api_v1;
mod bounds;
mod cite;
mod commitments;
mod coverage;
mod english;
mod english_pages;
mod errors;
mod export;
mod feeds;
mod headers;
mod helpers;
mod history;
mod json;
mod jsonld;
mod loader;
mod negotiation;
mod openapi;
mod overload;
mod pages;
mod pagination;
mod pictures;
mod robust;
mod search;
mod search_forgiving;
mod search_snapshot;
mod server;
mod shutdown;
mod sources;
mod static_export;
mod timeouts;
