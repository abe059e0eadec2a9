//! Serving the app: one single-threaded runtime per worker thread, each
//! accepting on its own `SO_REUSEPORT` socket bound to the same address, as
//! nginx runs one worker process per core.
//!
//! Nearly every answer comes from memory (see `cache`), so a request costs a
//! few microseconds of our own work and the rest is the kernel's. At that
//! scale tokio's work-stealing scheduler was measurable: a connection's task
//! moving between threads, and idle threads woken to steal. With the kernel
//! spreading connections over per-thread sockets, each connection stays on
//! one thread, and the CPU time per answer fell by 5–10% (see the README's
//! performance section).
//!
//! Answers not in memory (renders, new searches, errors) do not run there:
//! they are handed to the runtime that called [`Server::run`], tokio's
//! work-stealing one, so a render taking milliseconds neither holds up the
//! other connections of its thread nor leaves another core idle. Without
//! that hand-off, a soak mix with one request in three uncached lost 15–25%
//! of its throughput and doubled its p99.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::sync::{mpsc, watch};

use super::App;
use super::sendfile::Listener;

/// Listening sockets, one per worker.
pub struct Server {
    listeners: Vec<std::net::TcpListener>,
    addr: SocketAddr,
}

/// Listens on `addr` (port 0 picks a free port) with `workers` sockets; the
/// port accepts connections as soon as this returns.
///
/// Fails, as a plain bind would, if anything already listens there: sockets
/// with `SO_REUSEPORT` would otherwise silently share the port with another
/// copy of the server started by the same user.
pub fn bind(addr: SocketAddr, workers: usize) -> io::Result<Server> {
    raise_open_file_limit();
    let addr = std::net::TcpListener::bind(addr)?.local_addr()?;
    let workers = if cfg!(unix) { workers.max(1) } else { 1 };
    let listeners = (0..workers)
        .map(|_| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            socket.set_reuse_address(true)?;
            #[cfg(unix)]
            socket.set_reuse_port(true)?;
            socket.set_nonblocking(true)?;
            socket.bind(&addr.into())?;
            socket.listen(1024)?;
            Ok(socket.into())
        })
        .collect::<io::Result<Vec<_>>>()?;
    Ok(Server { listeners, addr })
}

/// Every connection and every large cached answer (see `sendfile`) holds a
/// file descriptor, and the usual soft limit of 1,024 would cap connections
/// well below what the server can answer. Raises it to the hard limit, as Go
/// programs and nginx's `worker_rlimit_nofile` do.
fn raise_open_file_limit() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        // `None` is "unlimited", which the kernel refuses for this resource.
        if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
            && current < maximum
        {
            let raised = rustix::process::Rlimit {
                current: Some(maximum),
                maximum: Some(maximum),
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => tracing::debug!(maximum, "raised the open-file limit"),
                Err(e) => tracing::warn!("cannot raise the open-file limit: {e}"),
            }
        }
    }
}

impl Server {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `app` until `shutdown` resolves, then lets every worker finish
    /// the requests it has in flight before returning. A worker that fails
    /// stops the others, and its error is returned.
    pub async fn run(self, app: App, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let workers = self.listeners.len();
        let app = app.render_on(tokio::runtime::Handle::current());
        let (stop, stopped) = watch::channel(false);
        let (exited, mut exits) = mpsc::unbounded_channel();
        for (i, listener) in self.listeners.into_iter().enumerate() {
            let app = app.clone();
            let mut stopped = stopped.clone();
            let exited = exited.clone();
            std::thread::Builder::new()
                .name(format!("summitkb-worker-{i}"))
                .spawn(move || {
                    let result = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .and_then(|runtime| {
                            runtime.block_on(async move {
                                let listener =
                                    Listener::new(tokio::net::TcpListener::from_std(listener)?);
                                axum::serve(listener, tower::make::Shared::new(app))
                                    .with_graceful_shutdown(async move {
                                        let _ = stopped.wait_for(|stop| *stop).await;
                                    })
                                    .await
                            })
                        });
                    let _ = exited.send(result);
                })?;
        }
        drop(exited);
        let mut result = tokio::select! {
            () = shutdown => Ok(()),
            early = exits.recv() => match early {
                Some(exit) => exit.and(Err(io::Error::other("a worker stopped"))),
                None => Err(io::Error::other("the worker threads panicked")),
            },
        };
        let _ = stop.send(true);
        let mut reported = usize::from(result.is_err());
        while let Some(exit) = exits.recv().await {
            reported += 1;
            result = result.and(exit);
        }
        if reported < workers && result.is_ok() {
            result = Err(io::Error::other("a worker thread panicked"));
        }
        result
    }
}
