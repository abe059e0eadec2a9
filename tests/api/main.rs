//! Integration tests: the real router over a real SQLite file built from the
//! real seeds. One binary, so the crate is linked once.

mod coverage;
mod errors;
mod headers;
mod helpers;
mod json;
mod loader;
mod negotiation;
mod overload;
mod pages;
mod pictures;
mod robust;
mod search;
mod search_forgiving;
mod server;
mod shutdown;
mod timeouts;
