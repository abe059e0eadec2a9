//! Large answers leave by `sendfile(2)`, as nginx sends its files.
//!
//! Profiling the 37 KB home page under load showed a fifth of the server's
//! time in one kernel function: copying the body out of user memory into the
//! socket, again on every request. nginx pays no such copy, because
//! `sendfile` hands the socket references to pages the kernel already holds.
//!
//! So when the answer cache keeps a large body, it also writes the bytes once
//! into an anonymous in-memory file (`memfd`) and registers the body's address
//! range here ([`FileBacked`]). The connection type ([`Connection`]) then
//! recognises, among the buffers hyper asks it to write, a slice
//! that lies inside a registered range: it sends what precedes it (the
//! response head) with `MSG_MORE` and the slice itself with `sendfile` from
//! the matching offset of the file. Every other write is the ordinary
//! vectored write. Bodies never change once cached, so the file and the
//! memory always hold the same bytes, and a registered range is removed
//! before its memory can be freed (the registration holds a reference to it).
//!
//! Off Linux, or when a file cannot be made, answers are simply written.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Bodies smaller than this are copied. The copy was measured to matter for
/// the 37 KB pages; for the 6 KB and 11 KB ones, an A/B with the threshold at
/// 4 KB showed no difference beyond noise, so small bodies spend no file
/// descriptor.
pub const MIN_FILE_BACKED: usize = 16 * 1024;

/// Files kept at once by one answer cache. Each holds a descriptor; the cache
/// holds at most 16 MB, so this is reached only by many large distinct
/// answers (broad searches), after which further large bodies are simply
/// copied. Counted per cache ([`Budget`]), not per process: several apps in
/// one process (the test suite's) would otherwise take each other's share.
const MAX_FILES: usize = 256;

/// How many in-memory files one answer cache may hold at once.
#[derive(Clone, Default)]
pub struct Budget(std::sync::Arc<std::sync::atomic::AtomicUsize>);

#[cfg(target_os = "linux")]
mod imp {
    use std::collections::BTreeMap;
    use std::io::{self, IoSlice};
    use std::os::fd::OwnedFd;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::sync::{Arc, LazyLock, RwLock};

    use axum::body::Bytes;
    use rustix::fs::{MemfdFlags, SealFlags};
    use rustix::net::{SendAncillaryBuffer, SendFlags};
    use tokio::io::Interest;
    use tokio::net::TcpStream;

    use super::{Budget, MAX_FILES, MIN_FILE_BACKED};

    struct Range {
        len: usize,
        file: Arc<OwnedFd>,
    }

    /// Registered bodies by start address.
    static RANGES: LazyLock<RwLock<BTreeMap<usize, Range>>> =
        LazyLock::new(|| RwLock::new(BTreeMap::new()));
    static SENT: AtomicU64 = AtomicU64::new(0);

    /// A body and the in-memory file holding the same bytes; see the module
    /// documentation. Dropping it unregisters the body.
    pub struct FileBacked {
        start: usize,
        /// Keeps the registered memory alive (and so unreused) while the
        /// range is registered.
        _body: Bytes,
        budget: Budget,
    }

    impl FileBacked {
        /// Registers `body` for `sendfile`, if it is large enough and a file
        /// can be made; keep the result as long as the body is cached.
        pub fn new(body: &Bytes, budget: &Budget) -> Option<FileBacked> {
            if body.len() < MIN_FILE_BACKED {
                return None;
            }
            let files: &AtomicUsize = &budget.0;
            if files.fetch_add(1, Ordering::Relaxed) >= MAX_FILES {
                files.fetch_sub(1, Ordering::Relaxed);
                return None;
            }
            match write_file(body) {
                Ok(file) => {
                    let start = body.as_ptr() as usize;
                    let range = Range {
                        len: body.len(),
                        file: Arc::new(file),
                    };
                    ranges_mut().insert(start, range);
                    Some(FileBacked {
                        start,
                        _body: body.clone(),
                        budget: budget.clone(),
                    })
                }
                Err(e) => {
                    files.fetch_sub(1, Ordering::Relaxed);
                    tracing::warn!("cannot keep a body in memory as a file ({e}); copying it");
                    None
                }
            }
        }
    }

    impl Drop for FileBacked {
        fn drop(&mut self) {
            ranges_mut().remove(&self.start);
            self.budget.0.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// A panic elsewhere while the lock was held cannot leave the map torn
    /// (each change is one insert or remove), so poisoning is ignored.
    fn ranges_mut() -> std::sync::RwLockWriteGuard<'static, BTreeMap<usize, Range>> {
        RANGES.write().unwrap_or_else(|e| e.into_inner())
    }

    fn write_file(body: &[u8]) -> io::Result<OwnedFd> {
        let fd = rustix::fs::memfd_create(
            "summitkb-answer",
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        let mut rest = body;
        while !rest.is_empty() {
            let n = rustix::io::write(&fd, rest)?;
            rest = &rest[n..];
        }
        // The file can no longer change or shrink, whatever holds it.
        rustix::fs::fcntl_add_seals(
            &fd,
            SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE | SealFlags::SEAL,
        )?;
        Ok(fd)
    }

    /// The file and offset holding `slice`'s bytes, if it is (part of) a
    /// registered body.
    fn find(slice: &[u8]) -> Option<(Arc<OwnedFd>, u64)> {
        if slice.len() < MIN_FILE_BACKED {
            return None;
        }
        let ptr = slice.as_ptr() as usize;
        let ranges = RANGES.read().unwrap_or_else(|e| e.into_inner());
        let (&start, range) = ranges.range(..=ptr).next_back()?;
        let offset = ptr - start;
        (offset + slice.len() <= range.len).then(|| (Arc::clone(&range.file), offset as u64))
    }

    /// Which buffer, if any, goes by `sendfile`, with its file and offset.
    pub fn plan(bufs: &[IoSlice<'_>]) -> Option<(usize, Arc<OwnedFd>, u64)> {
        bufs.iter()
            .enumerate()
            .find_map(|(i, b)| find(b).map(|(file, offset)| (i, file, offset)))
    }

    /// Writes `bufs[..i]` with `MSG_MORE`, then `bufs[i]` from `file` at
    /// `offset`; returns the bytes written, like a vectored write.
    pub fn send(
        stream: &TcpStream,
        bufs: &[IoSlice<'_>],
        (i, file, offset): &(usize, Arc<OwnedFd>, u64),
    ) -> io::Result<usize> {
        stream.try_io(Interest::WRITABLE, || {
            let head = &bufs[..*i];
            let head_len: usize = head.iter().map(|b| b.len()).sum();
            let mut written = 0;
            if head_len > 0 {
                written = rustix::net::sendmsg(
                    stream,
                    head,
                    &mut SendAncillaryBuffer::default(),
                    SendFlags::MORE | SendFlags::NOSIGNAL,
                )?;
                if written < head_len {
                    return Ok(written);
                }
            }
            let mut at = *offset;
            match rustix::fs::sendfile(stream, file.as_ref(), Some(&mut at), bufs[*i].len()) {
                Ok(n) => {
                    SENT.fetch_add(n as u64, Ordering::Relaxed);
                    Ok(written + n)
                }
                // The head went out: report it, and the body follows on the
                // next call.
                Err(_) if written > 0 => Ok(written),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Body bytes sent by `sendfile` since the process started.
    pub fn bytes_sent() -> u64 {
        SENT.load(Ordering::Relaxed)
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use axum::body::Bytes;

    pub struct FileBacked;

    impl FileBacked {
        pub fn new(_body: &Bytes, _budget: &super::Budget) -> Option<FileBacked> {
            None
        }
    }

    pub fn bytes_sent() -> u64 {
        0
    }
}

pub(crate) use imp::FileBacked;
pub use imp::bytes_sent;

/// One accepted connection, which sends registered bodies by `sendfile`;
/// see the module documentation.
pub(crate) struct Connection(TcpStream);

impl Connection {
    pub fn new(stream: TcpStream) -> Self {
        // Answers go out as soon as they are written: without TCP_NODELAY a
        // page written in two segments can wait for a delayed ACK (40 ms).
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {e}");
        }
        Connection(stream)
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        #[cfg(target_os = "linux")]
        if let Some(plan) = imp::plan(bufs) {
            loop {
                std::task::ready!(self.0.poll_write_ready(cx))?;
                match imp::send(&self.0, bufs, &plan) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    done => return Poll::Ready(done),
                }
            }
        }
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::IoSlice;

    use axum::body::Bytes;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    /// A connection as the server sees it, and its client end.
    async fn pair() -> (Connection, TcpStream) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
        (Connection::new(accepted.unwrap().0), client.unwrap())
    }

    /// Writes every part as hyper does: vectored writes, each call resuming
    /// where the last one stopped, even inside a part.
    async fn write_all_vectored(conn: &mut Connection, parts: &[Bytes]) {
        let mut parts = parts.to_vec();
        while !parts.is_empty() {
            let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
            let mut n = conn.write_vectored(&slices).await.unwrap();
            assert!(n > 0, "a write made no progress");
            while n > 0 {
                let first = parts[0].len().min(n);
                parts[0] = parts[0].slice(first..);
                n -= first;
                if parts[0].is_empty() {
                    parts.remove(0);
                }
            }
        }
    }

    fn patterned(len: usize) -> Bytes {
        (0..len)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<u8>>()
            .into()
    }

    #[test]
    fn only_large_bodies_are_registered_and_dropping_unregisters() {
        let small = patterned(MIN_FILE_BACKED - 1);
        assert!(FileBacked::new(&small, &Budget::default()).is_none());
        let body = patterned(MIN_FILE_BACKED * 2);
        let twin = FileBacked::new(&body, &Budget::default()).expect("a memfd can be made here");
        let inside = body.slice(100..);
        let (i, _, offset) = imp::plan(&[IoSlice::new(b"head"), IoSlice::new(&inside)])
            .expect("a slice inside the body goes by sendfile");
        assert_eq!((i, offset), (1, 100));
        // A copy holds the same bytes at another address: not registered.
        let copy = Bytes::copy_from_slice(&body);
        assert!(imp::plan(&[IoSlice::new(&copy)]).is_none());
        drop(twin);
        assert!(imp::plan(&[IoSlice::new(&body)]).is_none());
    }

    #[tokio::test]
    async fn a_slow_reader_gets_every_byte_in_order() {
        let (mut conn, mut client) = pair().await;
        let head = Bytes::from_static(b"HTTP/1.1 200 OK\r\ncontent-length: 4194304\r\n\r\n");
        let body = patterned(4 * 1024 * 1024);
        let tail = Bytes::from_static(b"the next answer");
        let _twin = FileBacked::new(&body, &Budget::default()).expect("a memfd can be made here");
        let before = bytes_sent();

        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut chunk = vec![0; 8192];
            loop {
                let n = client.read(&mut chunk).await.unwrap();
                if n == 0 {
                    return got;
                }
                got.extend_from_slice(&chunk[..n]);
                if got.len() % 16 == 0 {
                    // Slow enough that the socket buffer fills and sendfile
                    // stops part-way.
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            }
        });
        write_all_vectored(&mut conn, &[head.clone(), body.clone(), tail.clone()]).await;
        conn.shutdown().await.unwrap();
        drop(conn);
        let got = reader.await.unwrap();

        let expected = [&head[..], &body[..], &tail[..]].concat();
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "the bytes arrived changed or out of order");
        // All but a short remainder (written from memory) went by sendfile.
        assert!(bytes_sent() - before >= (body.len() - MIN_FILE_BACKED) as u64);
    }
}
