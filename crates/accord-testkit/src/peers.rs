//! Real network peers for tests of outbound traffic, each on `127.0.0.1:0` in its own threads:
//! an HTTP receiver of webhooks ([`WebhookReceiver`]), a receiver that accepts connections and
//! never answers ([`SilentReceiver`]) and an SMTP sink ([`SmtpSink`]) speaking enough SMTP for
//! a real client (greeting, `EHLO`/`HELO`, `MAIL`, `RCPT`, `DATA` with dot-unstuffing, `RSET`,
//! `NOOP`, `QUIT`).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One HTTP request as a receiver got it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status it was answered with.
    pub status: u16,
    pub at: Instant,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct ReceiverState {
    requests: Vec<ReceivedRequest>,
    /// Statuses for the next requests, in order; then `default`.
    script: VecDeque<u16>,
    default: u16,
}

/// An HTTP/1.1 server that records every request and answers with scripted statuses (200
/// unless told otherwise).
pub struct WebhookReceiver {
    pub url: String,
    state: Arc<Mutex<ReceiverState>>,
}

impl WebhookReceiver {
    /// Starts a receiver; its URL is `http://127.0.0.1:PORT/hook`.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}/hook", listener.local_addr().expect("local address"));
        let state = Arc::new(Mutex::new(ReceiverState { default: 200, ..ReceiverState::default() }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve_http(stream, &shared);
                });
            }
        });
        Self { url, state }
    }

    /// The next requests are answered with these statuses, in order (then the default).
    pub fn answer_next(&self, statuses: &[u16]) {
        self.lock().script.extend(statuses.iter().copied());
    }

    /// The status of every request not scripted by [`WebhookReceiver::answer_next`].
    pub fn answer_by_default(&self, status: u16) {
        self.lock().default = status;
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().requests.clone()
    }

    /// Waits until at least `n` requests came, or panics after `timeout`.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        let start = Instant::now();
        loop {
            let got = self.requests();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < timeout,
                "expected {n} requests within {timeout:?}, got {}: {got:#?}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReceiverState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn serve_http(stream: TcpStream, state: &Mutex<ReceiverState>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let status = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        let status = s.script.pop_front().unwrap_or(s.default);
        s.requests.push(ReceivedRequest { method, path, headers, body, status, at: Instant::now() });
        status
    };
    write!(writer, "HTTP/1.1 {status} Status\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")?;
    writer.flush()?;
    Ok(())
}

/// Accepts TCP connections and never answers: a receiver that hangs.
pub struct SilentReceiver {
    pub url: String,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl SilentReceiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}/hook", listener.local_addr().expect("local address"));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let keep = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                keep.lock().unwrap_or_else(|p| p.into_inner()).push(stream);
            }
        });
        Self { url, connections }
    }

    /// How many connections it was sent so far.
    pub fn connections(&self) -> usize {
        self.connections.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// One e-mail as the sink received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The `MAIL FROM` address.
    pub from: String,
    /// The `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The message (headers and body) after dot-unstuffing, with CRLF line ends.
    pub data: String,
}

impl ReceivedMail {
    /// The first header of that name (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The body, decoded when it is quoted-printable.
    pub fn body(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let qp = self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
        if qp { decode_quoted_printable(body) } else { body.to_owned() }
    }
}

fn decode_quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A minimal SMTP server that accepts every message and keeps it.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `--smtp-url`.
    pub url: String,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("smtp://{}", listener.local_addr().expect("local address"));
        let mails = Arc::new(Mutex::new(Vec::new()));
        let keep = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let keep = keep.clone();
                std::thread::spawn(move || {
                    let _ = serve_smtp(stream, &keep);
                });
            }
        });
        Self { url, mails }
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits until at least `n` mails came, or panics after `timeout`.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let start = Instant::now();
        loop {
            let got = self.mails();
            if got.len() >= n {
                return got;
            }
            assert!(start.elapsed() < timeout, "expected {n} mails within {timeout:?}, got {}", got.len());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve_smtp(stream: TcpStream, mails: &Mutex<Vec<ReceivedMail>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    let mut from = String::new();
    let mut to = Vec::new();
    w.write_all(b"220 sink.test ESMTP test sink\r\n")?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let address = || {
            command.split_once(':').map_or(String::new(), |(_, rest)| {
                rest.trim().trim_start_matches('<').split('>').next().unwrap_or_default().to_owned()
            })
        };
        match verb.as_str() {
            "EHLO" => w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" => w.write_all(b"250 sink.test\r\n")?,
            "MAIL" => {
                from = address();
                to.clear();
                w.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                to.push(address());
                w.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                mails.lock().unwrap_or_else(|p| p.into_inner()).push(ReceivedMail {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                w.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" => {
                to.clear();
                w.write_all(b"250 OK\r\n")?;
            }
            "NOOP" => w.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                w.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => w.write_all(b"502 command not implemented\r\n")?,
        }
        w.flush()?;
    }
}
