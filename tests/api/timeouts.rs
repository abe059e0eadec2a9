//! Slow, silent and idle clients on a real port: each is closed within its
//! bound while other clients are served, and running out of descriptors
//! neither spins the server nor stalls it once descriptors free up.
//!
//! The bounds here are short (1–2 s) and every check has seconds of margin
//! either side, so a loaded machine delays an answer without failing a test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use summitkb::serve::server::Timeouts;

use crate::helpers::{TestApp, repo_path};
use crate::server::{Serving, next_answer};
use crate::shutdown::free_port;

/// Reads until the server closes `conn`; what arrived, and when it closed
/// (counted from `since`). Panics if it is still open after `limit`.
async fn read_until_closed(
    conn: &mut TcpStream,
    since: Instant,
    limit: Duration,
) -> (Vec<u8>, Duration) {
    let mut got = Vec::new();
    let mut chunk = [0; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "still open after {limit:?}");
    (got, since.elapsed())
}

/// `/healthz` on a new connection, answered within `limit`.
async fn healthz(addr: std::net::SocketAddr, limit: Duration) -> String {
    let ask = async {
        let mut c = TcpStream::connect(addr).await?;
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await?;
        let mut got = Vec::new();
        c.read_to_end(&mut got).await?;
        std::io::Result::Ok(String::from_utf8_lossy(&got).into_owned())
    };
    match tokio::time::timeout(limit, ask).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => panic!("/healthz failed: {e}"),
        Err(_) => panic!("/healthz not answered within {limit:?}"),
    }
}

#[tokio::test]
async fn silent_and_byte_at_a_time_clients_are_closed_after_the_header_bound() {
    let app = TestApp::shared().await;
    let bounds = Timeouts {
        header: Duration::from_secs(1),
        idle: Duration::from_secs(60),
    };
    let serving = Serving::start_with(app, 2, bounds);
    let addr = serving.addr;
    let started = Instant::now();
    let silent: Vec<TcpStream> = futures_connect(addr, 20).await;
    // Each sends a head of 300 bytes at a byte every 100 ms: 30 s in all.
    let slow = (0..20).map(|_| {
        tokio::spawn(async move {
            let mut c = TcpStream::connect(addr).await.unwrap();
            let since = Instant::now();
            let head = format!(
                "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
                "p".repeat(260)
            );
            let (mut reader, mut writer) = c.split();
            let trickle = async {
                for byte in head.as_bytes() {
                    if writer.write_all(&[*byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            };
            let mut got = Vec::new();
            tokio::select! {
                () = trickle => panic!("the whole head went out: never closed"),
                _ = reader.read_to_end(&mut got) => {}
            }
            (got, since.elapsed())
        })
    });
    let slow: Vec<_> = slow.collect();
    // Meanwhile ordinary clients are served.
    for _ in 0..10 {
        let answer = healthz(addr, Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for mut c in silent {
        let (got, after) = read_until_closed(&mut c, started, Duration::from_secs(10)).await;
        assert!(got.is_empty(), "a silent client got an answer");
        assert!(
            after >= Duration::from_millis(900),
            "closed early, after {after:?}"
        );
    }
    for client in slow {
        let (got, after) = client.await.unwrap();
        assert!(
            !String::from_utf8_lossy(&got).contains("200 OK"),
            "a partial head was answered"
        );
        assert!(
            after >= Duration::from_millis(900),
            "closed early, after {after:?}"
        );
        assert!(
            after < Duration::from_secs(10),
            "closed only after {after:?}"
        );
    }
    serving.stop().await;
}

async fn futures_connect(addr: std::net::SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut all = Vec::new();
    for _ in 0..n {
        all.push(TcpStream::connect(addr).await.unwrap());
    }
    all
}

#[tokio::test]
async fn kept_alive_connections_close_after_the_idle_bound_and_not_while_used() {
    let app = TestApp::shared().await;
    let bounds = Timeouts {
        header: Duration::from_secs(30),
        idle: Duration::from_secs(2),
    };
    let serving = Serving::start_with(app, 2, bounds);
    let mut c = TcpStream::connect(serving.addr).await.unwrap();
    let ask = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    // Six requests 1 s apart: 6 s in all, three times the idle bound, but
    // never 2 s idle.
    for _ in 0..6 {
        c.write_all(ask).await.unwrap();
        let mut got = Vec::new();
        let mut chunk = [0; 4096];
        while answer_len(&got).is_none_or(|len| len > got.len()) {
            let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut chunk))
                .await
                .expect("answered within 5 s")
                .unwrap();
            assert!(n > 0, "closed while in use");
            got.extend_from_slice(&chunk[..n]);
        }
        let ((head, _), rest) = next_answer(&got, true);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(rest.is_empty());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // Then left idle: closed about 1 s later (2 s after the last answer).
    let since = Instant::now();
    let (got, after) = read_until_closed(&mut c, since, Duration::from_secs(10)).await;
    assert!(got.is_empty());
    assert!(
        after >= Duration::from_millis(500),
        "closed early, after {after:?}"
    );
    serving.stop().await;
}

/// Bytes of the first answer in `got`, once its head is there.
fn answer_len(got: &[u8]) -> Option<usize> {
    let end = got.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
    let body: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |v| v.trim().parse().unwrap());
    Some(end + body)
}

/// The server binary as a child process that may hold at most `limit` open
/// files (soft and hard limit, so it cannot raise its own), serving the
/// database at `db` with heads and idle connections allowed 60 s, so that
/// only shedding releases a connection within these tests.
struct Limited {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Limited {
    async fn start(db: &std::path::Path, limit: u32) -> Limited {
        let port = free_port();
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_summitkb"))
            .args(["serve", "--read-only", "--workers", "2"])
            .args(["--header-timeout", "60", "--keepalive-timeout", "60"])
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--db")
            .arg(db)
            .arg("--static-dir")
            .arg(repo_path("static"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect(addr).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Limited { child, addr }
    }

    /// CPU time the process has used so far.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command name, which is in parentheses: utime
        // and stime are the 12th and 13th.
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        let per_second: u64 = String::from_utf8(
            Command::new("getconf")
                .arg("CLK_TCK")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
        .trim()
        .parse()
        .unwrap();
        Duration::from_millis(ticks * 1000 / per_second)
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn out_of_descriptors_it_sheds_idle_connections_pauses_instead_of_spinning_and_recovers() {
    let app = TestApp::new().await;
    // About 20 descriptors go to the runtimes, listeners, log and database;
    // the rest, a few dozen, to connections.
    let server = Limited::start(&app.db, 64).await;
    let addr = server.addr;

    // Five times more silent connections than descriptors: each time accept
    // fails, the idle ones are closed, so the queue moves and /healthz is
    // answered long before the 60 s bounds.
    let mut silent = Vec::new();
    for _ in 0..200 {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    for _ in 0..3 {
        let answer = healthz(addr, Duration::from_secs(15)).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    drop(silent);

    // Connections half-way through a head are not idle and stay. With every
    // descriptor held by them, accept fails over and over; the server must
    // pause on it rather than spin.
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        held.push(c);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = server.cpu();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let used = server.cpu() - before;
    assert!(
        used < Duration::from_secs(1),
        "{used:?} of CPU in 3 s with accept failing: spinning"
    );

    // A client queued behind them is answered once they go.
    let waiting = tokio::spawn(healthz(addr, Duration::from_secs(20)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(held);
    let answer = waiting.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
