//! The transport: how answers leave the process. The answer cache in front
//! of the application, the per-core server that accepts connections, and the
//! `sendfile` path for large bodies. Nothing here knows a route or a
//! handler; the application is any `axum::Router`.

pub mod cache;
pub mod negotiate;
pub mod sendfile;
pub mod server;

/// The whole application: the router inside the answer cache. Serve it with
/// [`server::bind`] and [`server::Server::run`]; drive it in tests
/// with `tower::ServiceExt::oneshot`.
pub type App = cache::CacheService<axum::Router>;
