//! Test helpers: start the real `accord` binary on `127.0.0.1:0` with a temporary store and
//! talk HTTP to it. Dev-only.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context, bail};

pub mod peers;

pub use reqwest::StatusCode;
pub use reqwest::blocking::Response;

/// The administrator token every test server is bootstrapped with.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef";

/// A running `accord serve`.
pub struct TestServer {
    child: Child,
    pub base: String,
    pub client: reqwest::blocking::Client,
    stderr: Arc<Mutex<Vec<String>>>,
    data: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Starts the binary with a fresh temporary data folder; `extra` are more `serve` arguments.
    pub fn start(bin: &Path, extra: &[&str]) -> anyhow::Result<Self> {
        let temp = tempfile::tempdir().context("temp dir")?;
        let data = temp.path().to_path_buf();
        let mut s = Self::start_in(bin, &data, extra)?;
        s._temp = Some(temp);
        Ok(s)
    }

    /// Starts the binary on an existing data folder (to restart after a crash).
    pub fn start_in(bin: &Path, data: &Path, extra: &[&str]) -> anyhow::Result<Self> {
        Self::spawn(bin, data, extra, Some(ADMIN_TOKEN), &[])
    }

    /// Like [`TestServer::start`], with more environment variables for the server.
    pub fn start_with_env(bin: &Path, extra: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let temp = tempfile::tempdir().context("temp dir")?;
        let data = temp.path().to_path_buf();
        let mut s = Self::spawn(bin, &data, extra, Some(ADMIN_TOKEN), env)?;
        s._temp = Some(temp);
        Ok(s)
    }

    /// Like [`TestServer::start_in`], with more environment variables for the server.
    pub fn start_in_with_env(
        bin: &Path,
        data: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        Self::spawn(bin, data, extra, Some(ADMIN_TOKEN), env)
    }

    /// Starts the binary on `data` without `ACCORD_BOOTSTRAP_TOKEN`, so that on an empty store
    /// the server generates the administrator's token and prints it (see [`TestServer::stderr`]).
    pub fn start_without_bootstrap_token(bin: &Path, data: &Path) -> anyhow::Result<Self> {
        Self::spawn(bin, data, &[], None, &[])
    }

    /// Starts `accord witness serve` with its data folder `data`, listening on `listen`
    /// (`127.0.0.1:0` for a free port, or the address of a witness stopped before);
    /// `extra` are more arguments (`--name`, `--log`, …).
    pub fn start_witness(bin: &Path, data: &Path, listen: &str, extra: &[&str]) -> anyhow::Result<Self> {
        let mut command = Command::new(bin);
        command.args(["witness", "serve", "--listen", listen]).arg("--data").arg(data).args(extra);
        Self::run(command, data, "Accord witness ")
    }

    fn spawn(
        bin: &Path,
        data: &Path,
        extra: &[&str],
        bootstrap: Option<&str>,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let mut command = Command::new(bin);
        command.envs(env.iter().copied());
        match bootstrap {
            Some(token) => command.env("ACCORD_BOOTSTRAP_TOKEN", token),
            None => command.env_remove("ACCORD_BOOTSTRAP_TOKEN"),
        };
        command.arg("serve").arg("--data").arg(data).args(["--listen", "127.0.0.1:0"]).args(extra);
        Self::run(command, data, "Accord ")
    }

    /// Runs `command` and waits for its line `<ready>… is listening on <URL>`.
    fn run(mut command: Command, data: &Path, ready: &'static str) -> anyhow::Result<Self> {
        let bin = PathBuf::from(command.get_program());
        let mut child = command
            .env("ACCORD_LOG", "warn")
            .env_remove("ACCORD_DATABASE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stderr = child.stderr.take().context("stderr")?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let keep = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some((_, url)) =
                    line.strip_prefix(ready).and_then(|rest| rest.split_once("is listening on "))
                {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
                keep.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(b) => b,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "the server did not start; stderr:\n{}",
                    lines.lock().unwrap_or_else(|p| p.into_inner()).join("\n")
                )
            }
        };
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self { child, base, client, stderr: lines, data: data.to_path_buf(), _temp: None })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().expect("GET")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut r = self.client.get(self.url(path));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send().expect("GET")
    }

    /// POSTs JSON, with a bearer token when given.
    pub fn post_json(&self, path: &str, token: Option<&str>, body: &serde_json::Value) -> Response {
        let mut r = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().expect("POST")
    }

    /// PUTs JSON, with a bearer token when given.
    pub fn put_json(&self, path: &str, token: Option<&str>, body: &serde_json::Value) -> Response {
        let mut r = self.client.put(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().expect("PUT")
    }

    /// DELETEs, with a bearer token when given.
    pub fn delete(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.client.delete(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().expect("DELETE")
    }

    /// GETs with a bearer token.
    pub fn get_auth(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().expect("GET")
    }

    /// POSTs raw bytes with a content type, with a bearer token when given.
    pub fn post_raw(&self, path: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> Response {
        let mut r = self.client.post(self.url(path)).header("content-type", content_type).body(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().expect("POST")
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap_or_else(|p| p.into_inner()).join("\n")
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -9`: no chance to flush or clean up.
    pub fn kill9(mut self) -> anyhow::Result<()> {
        self.child.kill().context("SIGKILL")?;
        self.child.wait().context("wait")?;
        Ok(())
    }

    /// SIGTERM, then wait for the process to exit.
    pub fn terminate(mut self) -> anyhow::Result<ExitStatus> {
        let pid = libc::pid_t::try_from(self.child.id()).context("pid")?;
        // SAFETY: sending a signal to our own child process has no memory-safety implications.
        let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
        if rc != 0 {
            bail!("kill(SIGTERM) failed");
        }
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("the server did not stop within 15 s of SIGTERM")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a response body as JSON, with the body in the panic message when it is not.
pub fn json(resp: Response) -> serde_json::Value {
    let text = resp.text().expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The shared real-data fixtures (`ACCORD_FIXTURES`, by default `../shared/fixtures` beside the
/// project). When they are absent the caller should skip, saying so; under CI (`CI=true`)
/// their absence is a failure, so a test can never pass by skipping there.
pub fn shared_fixtures(what: &str) -> Option<PathBuf> {
    shared(&fixtures_root(), what)
}

/// The official schemas shared beside the fixtures (`$ACCORD_FIXTURES/../schemas`), with the
/// same rules as [`shared_fixtures`].
pub fn shared_schemas(what: &str) -> Option<PathBuf> {
    shared(&fixtures_root().join("../schemas"), what)
}

fn fixtures_root() -> PathBuf {
    std::env::var_os("ACCORD_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

fn shared(dir: &Path, what: &str) -> Option<PathBuf> {
    let path = dir.join(what);
    if path.exists() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "shared data {} is missing under CI (set ACCORD_FIXTURES)", path.display());
    eprintln!("SKIPPED: shared data {} is not here (set ACCORD_FIXTURES)", path.display());
    None
}

/// The Python interpreter with the reference implementations installed (`ACCORD_PYTHON`, set
/// by `./test`), with the rules of [`shared_fixtures`]: skip when absent, fail under CI.
pub fn python_oracles() -> Option<PathBuf> {
    let python = std::env::var_os("ACCORD_PYTHON").map(PathBuf::from);
    if let Some(p) = python.filter(|p| p.exists()) {
        return Some(p);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "the Python test oracles are missing under CI (run the suite with ./test)");
    eprintln!("SKIPPED: no Python test oracles (ACCORD_PYTHON); run the suite with ./test");
    None
}

/// The folder of the npm reference validators (`ACCORD_NODE_TOOLS`, set by `./test`: it holds
/// `tests/node` with its `node_modules`), with the rules of [`shared_fixtures`].
pub fn node_oracles() -> Option<PathBuf> {
    let dir = std::env::var_os("ACCORD_NODE_TOOLS").map(PathBuf::from);
    if let Some(d) = dir.filter(|d| d.join("node_modules").is_dir()) {
        return Some(d);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "the Node test oracles are missing under CI (run the suite with ./test)");
    eprintln!("SKIPPED: no Node test oracles (ACCORD_NODE_TOOLS); run the suite with ./test");
    None
}

/// Runs `node SCRIPT` in the oracles' folder (see [`node_oracles`]), feeding `input` on stdin,
/// and returns its standard output.
pub fn run_node(dir: &Path, script: &str, input: &str) -> anyhow::Result<String> {
    run_feeding(Command::new("node").arg(dir.join(script)).current_dir(dir), input)
}

/// Runs a script of `tests/python/` with the oracles' interpreter and `args`, feeding `input`
/// on stdin, and returns its standard output.
pub fn run_python(python: &Path, script: &str, args: &[&str], input: &str) -> anyhow::Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python").join(script);
    run_feeding(Command::new(python).arg(&path).args(args), input)
}

/// Runs a command with `input` on its stdin; its standard output, or an error with its stderr.
fn run_feeding(command: &mut Command, input: &str) -> anyhow::Result<String> {
    use std::io::Write;
    let what = format!("{:?}", command);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {what}"))?;
    let mut stdin = child.stdin.take().context("stdin")?;
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    writer.join().map_err(|_| anyhow::anyhow!("writer thread panicked"))??;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}
