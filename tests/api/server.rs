//! The real router on a real port, served as `serve` serves it: one worker
//! per socket, large cached pages sent by `sendfile` and arriving byte for
//! byte (pipelined answers included), each in the coding its client
//! negotiated, a port in use refused, a clean stop.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use summitkb::serve::{sendfile, server};

use crate::helpers::{SOURCE, TestApp};

/// The first HTTP/1.1 answer in `bytes` as (head, body), and the rest. An
/// answer to HEAD has a `content-length` but no body.
pub(crate) fn next_answer(bytes: &[u8], has_body: bool) -> ((String, Vec<u8>), &[u8]) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head ends with a blank line")
        + 4;
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let len: usize = if has_body {
        head.lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .expect("content-length")
            .trim()
            .parse()
            .unwrap()
    } else {
        0
    };
    ((head, bytes[end..end + len].to_vec()), &bytes[end + len..])
}

/// The app served by `server::run` on a free loopback port.
pub(crate) struct Serving {
    pub addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Serving {
    fn start(app: &TestApp, workers: usize) -> Serving {
        Serving::start_with(app, workers, server::Timeouts::default())
    }

    pub fn start_with(app: &TestApp, workers: usize, timeouts: server::Timeouts) -> Serving {
        Serving::start_accepting(app, workers, timeouts, server::Accept::default())
    }

    fn start_accepting(
        app: &TestApp,
        workers: usize,
        timeouts: server::Timeouts,
        accept: server::Accept,
    ) -> Serving {
        let server = server::bind_with("127.0.0.1:0".parse().unwrap(), workers, accept)
            .unwrap()
            .with_timeouts(timeouts);
        let addr = server.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(app.router.clone(), async {
            let _ = stopped.await;
        }));
        Serving { addr, stop, task }
    }

    /// Shuts the server down and checks that every worker stopped cleanly.
    pub async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task
            .await
            .unwrap()
            .expect("every worker stops cleanly");
    }
}

#[tokio::test]
async fn large_pages_leave_by_sendfile_and_arrive_whole_even_pipelined() {
    let app = TestApp::new().await;
    let source = format!("/sources/{SOURCE}");
    // Rendered once in-process; the answers below come from memory.
    let home = app.get_ok("/").await.body;
    let source_page = app.get_ok(&source).await.body;
    let paragraph = app.get_ok(&format!("{source}/p/10")).await.body;
    assert!(
        home.len() >= sendfile::MIN_FILE_BACKED && source_page.len() >= sendfile::MIN_FILE_BACKED
    );

    let serving = Serving::start(&app, 2);
    let addr = serving.addr;

    let before = sendfile::bytes_sent();
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let requests = format!(
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n\
         GET {source}/p/10 HTTP/1.1\r\nHost: x\r\n\r\n\
         GET {source} HTTP/1.1\r\nHost: x\r\n\r\n\
         HEAD / HTTP/1.1\r\nHost: x\r\n\r\n\
         GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    client.write_all(requests.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).await.unwrap();
    serving.stop().await;

    let expected: [(&str, &str); 5] = [
        ("GET", &home),
        ("GET", &paragraph),
        ("GET", &source_page),
        ("HEAD", ""),
        ("GET", &home),
    ];
    let mut rest = &got[..];
    for (method, want) in expected {
        let ((head, body), more) = next_answer(rest, method == "GET");
        assert!(head.starts_with("HTTP/1.1 200"), "{method}: {head}");
        assert!(body == want.as_bytes(), "a body arrived changed");
        rest = more;
    }
    assert!(rest.is_empty(), "one answer per request");
    let by_sendfile = sendfile::bytes_sent() - before;
    assert!(
        by_sendfile >= (2 * home.len() + source_page.len()) as u64,
        "only {by_sendfile} bytes went by sendfile"
    );
}

#[tokio::test]
async fn a_second_server_cannot_share_a_port_in_use() {
    for accept in [server::Accept::PerWorker, server::Accept::Shared] {
        let first = server::bind_with("127.0.0.1:0".parse().unwrap(), 2, accept).unwrap();
        for second in [server::Accept::PerWorker, server::Accept::Shared] {
            let err = server::bind_with(first.local_addr(), 2, second)
                .err()
                .expect("the port is taken");
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::AddrInUse,
                "{accept:?}, {second:?}"
            );
        }
    }
}

#[tokio::test]
async fn connections_over_every_worker_get_answers_and_all_stop_on_shutdown() {
    for accept in [server::Accept::PerWorker, server::Accept::Shared] {
        every_connection_answered_then_all_stop(accept).await;
    }
}

async fn every_connection_answered_then_all_stop(accept: server::Accept) {
    let app = TestApp::shared().await;
    let serving = Serving::start_accepting(app, 3, server::Timeouts::default(), accept);
    let addr = serving.addr;
    // Connections spread over the workers' sockets; each gets its answer.
    let clients = (0..24).map(|_| {
        tokio::spawn(async move {
            let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut got = Vec::new();
            // A worker that is not accepting leaves its connections waiting.
            tokio::time::timeout(std::time::Duration::from_secs(10), c.read_to_end(&mut got))
                .await
                .expect("answered within 10 s")
                .unwrap();
            String::from_utf8(got).unwrap()
        })
    });
    for client in clients.collect::<Vec<_>>() {
        let answer = client.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{accept:?}: {answer}");
    }
    serving.stop().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "{accept:?}: nothing listens after shutdown"
    );
}

#[tokio::test]
async fn clients_that_hang_up_mid_page_do_not_disturb_the_server() {
    let app = TestApp::shared().await;
    let home = app.get_ok("/").await.body;
    assert!(home.len() >= sendfile::MIN_FILE_BACKED);
    let serving = Serving::start(app, 2);
    let addr = serving.addr;
    // Each asks for many copies of a large page with a small receive window
    // and resets the connection without reading, so the server's writes meet
    // a full socket, then a peer that has torn it down.
    for _ in 0..20 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut c = socket.connect(addr).await.unwrap();
        c.set_zero_linger().unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(400).as_slice())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        drop(c);
    }
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    c.read_to_end(&mut got).await.unwrap();
    let ((head, body), _) = next_answer(&got, true);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body == home.as_bytes());
    serving.stop().await;
}

#[tokio::test]
async fn heads_past_the_buffer_bound_never_reach_the_app_and_shorter_ones_do() {
    let app = TestApp::shared().await;
    let serving = Serving::start(app, 1);
    let addr = serving.addr;
    let status_of = |target: String| async move {
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        // The server may answer and close before a long head is all sent.
        let _ = c.write_all(head.as_bytes()).await;
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got).await;
        String::from_utf8_lossy(&got)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    };
    // A target just past the app's limit still reaches the app, which
    // explains it with 414.
    let over_limit = format!("/{}", "x".repeat(summitkb::web::MAX_URI_BYTES + 10));
    assert!(status_of(over_limit).await.starts_with("HTTP/1.1 414"));
    // One far beyond the buffer bound (hyper's buffer may exceed it by its
    // growth step, up to twice) never reaches the app: hyper answers 431
    // and closes, and the client, still sending, may see only the reset.
    let over_buffer = format!("/{}", "x".repeat(4 * server::MAX_BUFFERED));
    let status = status_of(over_buffer).await;
    assert!(
        status.is_empty() || status.starts_with("HTTP/1.1 431"),
        "{status:?}"
    );
    serving.stop().await;
}

#[tokio::test]
async fn over_a_real_port_a_compressed_answer_never_reaches_a_plain_client() {
    let app = TestApp::new().await;
    // The identity page, from a second app that no one else has asked.
    let home = TestApp::new().await.get_ok("/").await.body;
    let serving = Serving::start(&app, 2);
    let mut client = tokio::net::TcpStream::connect(serving.addr).await.unwrap();
    // A cold page asked for in upper case, then by a client without
    // Accept-Encoding, then with two fields: each as it negotiated.
    client
        .write_all(
            b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: GZIP\r\n\r\n\
              GET / HTTP/1.1\r\nHost: x\r\n\r\n\
              GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br;q=0\r\nAccept-Encoding: gzip\r\n\r\n\
              GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).await.unwrap();
    serving.stop().await;
    let mut rest = &got[..];
    for coding in ["gzip", "identity", "gzip", "identity"] {
        let ((head, body), more) = next_answer(rest, true);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let sent = head
            .lines()
            .find_map(|l| l.strip_prefix("content-encoding: "))
            .unwrap_or("identity");
        assert_eq!(sent, coding, "{head}");
        if coding == "identity" {
            assert!(body == home.as_bytes(), "identity bytes, whole");
        } else {
            assert_eq!(&body[..2], [0x1f, 0x8b], "gzip bytes");
        }
        rest = more;
    }
    assert!(rest.is_empty());
}
