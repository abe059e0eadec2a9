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
//!
//! Each worker runs its own accept loop and hyper connections (rather than
//! `axum::serve`) for three things `axum::serve` cannot be told: how long a
//! client may take to send a request head and how long a kept-alive
//! connection may sit idle ([`Timeouts`]), and what to do when `accept`
//! fails for want of descriptors (close idle connections, pause briefly).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::futures::OwnedNotified;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use super::App;
use super::sendfile::Connection;

/// Listening sockets, one per worker.
pub struct Server {
    listeners: Vec<std::net::TcpListener>,
    addr: SocketAddr,
    timeouts: Timeouts,
}

/// How long a connection may take to ask and how long it may sit idle, like
/// nginx's `client_header_timeout` and `keepalive_timeout`. Without them, a
/// client that opens a connection and sends nothing, or its head a byte at a
/// time, holds a descriptor and hyper's buffers for as long as it likes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Time allowed to deliver a complete request head: from accept for a
    /// connection's first request, from its first byte for a later one.
    pub header: Duration,
    /// Time a kept-alive connection may wait for its next request with
    /// nothing read or written, counted from the end of its last answer.
    pub idle: Duration,
}

impl Default for Timeouts {
    /// 10 s for a head (a browser sends one in a packet or two; nginx's 60 s
    /// dates from slower links) and 75 s idle: nginx's default, and longer
    /// than the 60 s for which a proxy in front (nginx's upstream
    /// `keepalive_timeout`) keeps idle connections, so the server is not the
    /// side closing a connection the proxy is about to reuse.
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(10),
            idle: Duration::from_secs(75),
        }
    }
}

/// How the workers share the port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Accept {
    /// A socket per worker with `SO_REUSEPORT`: the kernel hashes each new
    /// connection to one worker's socket, whether or not that worker is busy.
    #[default]
    PerWorker,
    /// One socket every worker accepts on (as nginx's workers share theirs):
    /// whichever worker is awake takes the connection, so under a load that
    /// leaves the server one core, its connections gather on the worker
    /// that has it.
    Shared,
}

/// Listens on `addr` (port 0 picks a free port) with `workers` sockets; the
/// port accepts connections as soon as this returns.
///
/// Fails, as a plain bind would, if anything already listens there: sockets
/// with `SO_REUSEPORT` would otherwise silently share the port with another
/// copy of the server started by the same user.
pub fn bind(addr: SocketAddr, workers: usize) -> io::Result<Server> {
    bind_with(addr, workers, Accept::default())
}

/// [`bind`], choosing how the workers share the port.
pub fn bind_with(addr: SocketAddr, workers: usize, accept: Accept) -> io::Result<Server> {
    raise_open_file_limit();
    let addr = std::net::TcpListener::bind(addr)?.local_addr()?;
    let workers = if cfg!(unix) { workers.max(1) } else { 1 };
    let listen = || -> io::Result<std::net::TcpListener> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_reuse_address(true)?;
        #[cfg(unix)]
        if accept == Accept::PerWorker {
            socket.set_reuse_port(true)?;
        }
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        socket.listen(1024)?;
        Ok(socket.into())
    };
    let listeners = match accept {
        Accept::PerWorker => (0..workers)
            .map(|_| listen())
            .collect::<io::Result<Vec<_>>>()?,
        Accept::Shared => {
            let shared = listen()?;
            let mut all = (1..workers)
                .map(|_| shared.try_clone())
                .collect::<io::Result<Vec<_>>>()?;
            all.push(shared);
            all
        }
    };
    Ok(Server {
        listeners,
        addr,
        timeouts: Timeouts::default(),
    })
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

    /// Replaces the default [`Timeouts`].
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Server {
        self.timeouts = timeouts;
        self
    }

    /// Serves `app` until `shutdown` resolves, then lets every worker finish
    /// the requests it has in flight before returning. A worker that fails
    /// stops the others, and its error is returned.
    pub async fn run(self, app: App, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let workers = self.listeners.len();
        let app = app.render_on(tokio::runtime::Handle::current());
        let (stop, stopped) = watch::channel(false);
        let (exited, mut exits) = mpsc::unbounded_channel();
        // Descriptors are the process's, so every worker sheds idle
        // connections when any of them runs out.
        let pressure = Arc::new(Pressure::default());
        for (i, listener) in self.listeners.into_iter().enumerate() {
            let worker = Worker {
                app: app.clone(),
                timeouts: self.timeouts,
                pressure: Arc::clone(&pressure),
            };
            let stopped = stopped.clone();
            let exited = exited.clone();
            std::thread::Builder::new()
                .name(format!("summitkb-worker-{i}"))
                .spawn(move || {
                    let result = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .and_then(|runtime| runtime.block_on(worker.serve(listener, stopped)));
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

/// What every connection of a worker shares.
#[derive(Clone)]
struct Worker {
    app: App,
    timeouts: Timeouts,
    pressure: Arc<Pressure>,
}

/// Most bytes a connection buffers, reading or writing (hyper's default is
/// 400 KB). hyper grows a connection's read buffer to fit the longest head
/// it has received and keeps it until the connection closes: at 600
/// connections sending the soak test's hostile 54 KB queries and 60 KB
/// paths, that was tens of megabytes. A head must still fit the longest
/// request target accepted (414 beyond it) with room for its other headers.
/// hyper may overshoot the bound by one growth of the buffer (up to twice
/// it); a longer head is answered 431.
pub const MAX_BUFFERED: usize = crate::web::MAX_URI_BYTES + 16 * 1024;

/// How long accepting pauses after it failed for want of descriptors or
/// memory: long enough not to spin on an error that repeats until something
/// closes, short enough to resume soon after the idle connections shed on
/// that error have closed.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

impl Worker {
    /// Accepts on `listener` until `stopped`, then lets every connection
    /// finish the request it is answering, and returns once all have closed.
    async fn serve(
        self,
        listener: std::net::TcpListener,
        mut stopped: watch::Receiver<bool>,
    ) -> io::Result<()> {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        // Each connection holds a receiver; `closed` resolves when all are
        // gone.
        let (closing, closing_rx) = watch::channel(false);
        let mut failures = AcceptFailures::default();
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stopped.wait_for(|stop| *stop) => break,
            };
            match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(self.clone().connection(stream, closing_rx.clone()));
                }
                // Gone before it was accepted: nothing to do.
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of descriptors (`EMFILE`, `ENFILE`) or kernel
                    // memory. The connection stays queued for the next try.
                    self.pressure.shed_idle_connections();
                    failures.report(&e);
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                }
            }
        }
        drop(listener);
        drop(closing_rx);
        let _ = closing.send(true);
        closing.closed().await;
        Ok(())
    }

    /// Serves one connection until it closes, or until `closing`, when it
    /// finishes the request in flight and closes.
    async fn connection(self, stream: tokio::net::TcpStream, mut closing: watch::Receiver<bool>) {
        let requests = Arc::new(Requests::default());
        let io = Bounded::new(
            Connection::new(stream),
            self.timeouts,
            Arc::clone(&requests),
            self.pressure,
        );
        let app = self.app;
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let answering = requests.begin();
            let app = app.clone();
            async move {
                let res = app.oneshot(req.map(Body::new)).await;
                drop(answering);
                res
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .max_buf_size(MAX_BUFFERED)
            .serve_connection(TokioIo::new(io), service);
        let mut conn = std::pin::pin!(conn);
        let closing = async {
            let _ = closing.wait_for(|closing| *closing).await;
        };
        let result = tokio::select! {
            result = conn.as_mut() => result,
            () = closing => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::trace!("connection ended: {e}");
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Failed accepts, logged at most once every ten seconds with a count, so a
/// descriptor shortage cannot flood the log.
#[derive(Default)]
struct AcceptFailures {
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl AcceptFailures {
    fn report(&mut self, e: &io::Error) {
        self.unlogged += 1;
        let due = self
            .last_logged
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(10));
        if due {
            tracing::warn!(
                failures = self.unlogged,
                "accept failed ({e}); closing idle connections and pausing {ACCEPT_PAUSE:?}"
            );
            self.last_logged = Some(Instant::now());
            self.unlogged = 0;
        }
    }
}

/// Raised when accepting fails for want of resources: every idle connection
/// (see [`Bounded`]) closes, as nginx reuses its idle kept-alive connections
/// when it runs out.
#[derive(Default)]
struct Pressure {
    notify: Arc<Notify>,
    /// Times raised, so a connection can tell a notification that came
    /// while it was busy (and does not concern it) from a current one.
    raised: AtomicU64,
}

impl Pressure {
    fn shed_idle_connections(&self) {
        self.raised.fetch_add(1, Ordering::AcqRel);
        self.notify.notify_waiters();
    }
}

/// The requests of one connection, as its service sees them.
#[derive(Default)]
struct Requests {
    in_flight: AtomicUsize,
    answered: AtomicU64,
}

impl Requests {
    fn begin(self: &Arc<Self>) -> Answering {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Answering(Arc::clone(self))
    }
}

/// A request being answered; dropped when its response is ready (or the
/// request abandoned).
struct Answering(Arc<Requests>);

impl Drop for Answering {
    fn drop(&mut self) {
        // `answered` first: whoever sees no request in flight also sees it.
        self.0.answered.fetch_add(1, Ordering::AcqRel);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a connection with no request in flight is waiting for.
#[derive(Clone, Copy, Debug)]
enum Wait {
    /// Its first request, nothing received yet.
    Fresh { since: Instant },
    /// The rest of a request head, whose first bytes (or the connection)
    /// arrived `since`; `None` until the head is found incomplete. A head
    /// nearly always arrives whole and is answered at once, so its time is
    /// only read when it has to be waited for, microseconds after the read.
    Head { since: Option<Instant> },
    /// A next request, after an answer whose last bytes left `since`.
    Idle { since: Instant },
}

/// A connection that enforces [`Timeouts`]. hyper's own
/// `header_read_timeout` counts the wait for a kept-alive connection's next
/// request as part of reading its head, so it cannot bound heads to 10 s
/// and leave kept-alive connections open for 75 s; this type knows both
/// the bytes (it is the connection) and the requests (from [`Requests`]).
///
/// While nothing can be read and no request is in flight, it also waits on
/// the deadline of what it is waiting for; past it, a read ends the
/// connection: as end of stream for a connection that was idle, which
/// hyper closes quietly, or as a timeout error mid-head. An idle or fresh
/// connection also ends when [`Pressure`] is raised.
struct Bounded {
    io: Connection,
    timeouts: Timeouts,
    requests: Arc<Requests>,
    /// `requests.answered` when `wait` was last brought up to date.
    answered: u64,
    wait: Wait,
    timer: Pin<Box<Sleep>>,
    pressure: Arc<Pressure>,
    /// Created when the connection first waits idle; with the count of
    /// `pressure` raises it has already seen.
    shed: Option<(Pin<Box<OwnedNotified>>, u64)>,
}

impl Bounded {
    fn new(
        io: Connection,
        timeouts: Timeouts,
        requests: Arc<Requests>,
        pressure: Arc<Pressure>,
    ) -> Self {
        let now = Instant::now();
        Bounded {
            io,
            timeouts,
            requests,
            answered: 0,
            wait: Wait::Fresh { since: now },
            timer: Box::pin(tokio::time::sleep_until(now + timeouts.header)),
            pressure,
            shed: None,
        }
    }

    /// Notes an answer completed since the last look; `now` is read only
    /// if one was.
    fn catch_up(&mut self, now: impl FnOnce() -> Instant) {
        let answered = self.requests.answered.load(Ordering::Acquire);
        if answered != self.answered {
            self.answered = answered;
            self.wait = Wait::Idle { since: now() };
        }
    }

    fn on_read(&mut self) {
        self.catch_up(Instant::now);
        self.wait = match self.wait {
            // The first request's time counts from accept.
            Wait::Fresh { since } => Wait::Head { since: Some(since) },
            Wait::Idle { .. } => Wait::Head { since: None },
            head => head,
        };
    }

    /// Passes on the outcome of a write, noting any progress: an answer
    /// still leaving keeps its connection from counting as idle.
    fn on_write(&mut self, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if let Poll::Ready(Ok(1..)) = written {
            let now = Instant::now();
            self.catch_up(|| now);
            if let Wait::Idle { since } = &mut self.wait {
                *since = now;
            }
        }
        written
    }

    /// Arms the timer for `deadline`, lazily, as nginx re-arms its timers:
    /// a deadline that moved later (every answer moves the idle one) leaves
    /// the timer where it is, and when it fires early [`Self::poll_bounds`]
    /// arms it again, so a connection answering many requests re-arms it
    /// about once per bound rather than once per request.
    fn arm(&mut self, deadline: Instant) {
        if deadline < self.timer.deadline() || self.timer.is_elapsed() {
            self.timer.as_mut().reset(deadline);
        }
    }

    /// Nothing to read now: is a bound passed, or pressure raised?
    fn poll_bounds(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.requests.in_flight.load(Ordering::Acquire) > 0 {
            // A request being answered is bounded by the request timeout.
            // hyper may not read again after the answer until woken (it
            // waits for the connection to become readable), so the timer
            // must still wake it within the idle bound, to start it: any
            // armed time no later than that will do, as the bound is
            // computed afresh when it fires. (Relying on hyper reading after
            // the answer left a connection open until its first head
            // deadline, when that was later.)
            self.arm(Instant::now() + self.timeouts.idle);
            let _ = self.timer.as_mut().poll(cx);
            return Poll::Pending;
        }
        self.catch_up(Instant::now);
        let (deadline, idle) = match &mut self.wait {
            Wait::Fresh { since } => (*since + self.timeouts.header, true),
            Wait::Head { since } => (
                *since.get_or_insert_with(Instant::now) + self.timeouts.header,
                false,
            ),
            Wait::Idle { since } => (*since + self.timeouts.idle, true),
        };
        self.arm(deadline);
        while self.timer.as_mut().poll(cx).is_ready() {
            if Instant::now() < deadline {
                // Fired for an earlier deadline since moved later.
                self.timer.as_mut().reset(deadline);
                continue;
            }
            return Poll::Ready(if idle {
                Ok(())
            } else {
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "request head not received in time",
                ))
            });
        }
        if idle && self.poll_shed(cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }

    /// Ready when `pressure` was raised since this connection last began
    /// waiting idle.
    fn poll_shed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let (notified, seen) = self.shed.get_or_insert_with(|| {
                let seen = self.pressure.raised.load(Ordering::Acquire);
                (
                    Box::pin(Arc::clone(&self.pressure.notify).notified_owned()),
                    seen,
                )
            });
            if notified.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let current = *seen != self.pressure.raised.load(Ordering::Acquire);
            self.shed = None;
            if current {
                return Poll::Ready(());
            }
        }
    }
}

impl AsyncRead for Bounded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.on_read();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_bounds(cx),
        }
    }
}

impl AsyncWrite for Bounded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write(cx, buf);
        this.on_write(written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.on_write(written)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
