//! The real binary on a real port: SIGTERM lets an in-flight request finish,
//! then the process exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{repo_path, seeds_dir};

/// A free loopback port.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Connects to the server on `port` once it listens (30 s at most).
fn connect_when_up(port: u16) -> TcpStream {
    let started = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(c) => return c,
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("server did not start: {e}"),
        }
    }
}

fn get_healthz(conn: &mut TcpStream) -> String {
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn sigterm_finishes_in_flight_requests_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--db"])
        .arg(dir.path().join("kb.sqlite"))
        .arg("--seeds")
        .arg(seeds_dir())
        .arg("--static-dir")
        .arg(repo_path("static"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut conn = connect_when_up(port);
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // Half a request is in flight when the signal arrives.
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    conn.write_all(b"Connection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("ok "), "{answer}");
    // New connections are refused once it has stopped, and it exits 0.
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(code) = child.try_wait().unwrap() {
            break code;
        }
        assert!(Instant::now() < deadline, "did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn read_only_serves_an_imported_snapshot_without_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .args(["import", "--seeds"])
        .arg(seeds_dir())
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = std::fs::read(&db).unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .args([
            "serve",
            "--read-only",
            "--seeds",
            "/nonexistent",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--db",
        ])
        .arg(&db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut conn = connect_when_up(port);
    let answer = get_healthz(&mut conn);
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        before == std::fs::read(&db).unwrap(),
        "serving changed the snapshot"
    );
}

/// Regression: with no command, `SUMMITKB_ADDR` and `SUMMITKB_DB` were ignored.
#[test]
fn no_command_serves_with_environment_settings() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .current_dir(repo_path(""))
        .env("SUMMITKB_ADDR", format!("127.0.0.1:{port}"))
        .env("SUMMITKB_DB", dir.path().join("env.sqlite"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let answer = get_healthz(&mut connect_when_up(port));
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(dir.path().join("env.sqlite").is_file());
}
