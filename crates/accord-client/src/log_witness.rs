//! Asks the log's witnesses to cosign its checkpoints (C2SP tlog-witness v1, the log's side).
//!
//! [`collect`] runs beside the server: whenever an entry was appended (after a short pause
//! that gathers a burst of writes into one round) and every few seconds, it brings every
//! witness up to date with the log's head. A request carries the consistency proof from the
//! size of the witness's latest cosignature kept by the store; a 409 answer gives the size the
//! witness is really at, and the request is made once more from there. What a witness answers
//! is checked against its key and kept by `accord-app`; the checkpoint served then carries it.
//! A witness that fails is tried again after a pause that doubles up to a minute, with a
//! warning each time; the log and its checkpoint work on without it.

use std::time::Duration;

use accord_app::App;
use accord_app::log_witnesses::LogWitness;
use tokio::time::Instant;

/// Most bytes read from a witness's answer.
const MAX_ANSWER: usize = 64 * 1024;

/// HTTP to witnesses.
#[derive(Debug, Clone)]
pub struct WitnessClient {
    http: reqwest::Client,
}

/// What a witness answered to `add-checkpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200: its cosignature lines.
    Cosigned(Vec<u8>),
    /// 409: the size of the latest checkpoint it cosigned for the log.
    Conflict(u64),
    /// Anything else.
    Refused { status: u16, body: String },
}

impl WitnessClient {
    /// A client that gives each request at most `timeout`, connecting included.
    pub fn new(timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(Self { http })
    }

    /// Posts `body` to `<prefix>/add-checkpoint`.
    pub async fn add_checkpoint(&self, prefix: &str, body: &str) -> Result<Answer, String> {
        let url = format!("{}/add-checkpoint", prefix.trim_end_matches('/'));
        let mut resp = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| format!("{url}: {}", with_causes(&e)))?;
        let status = resp.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| format!("{url}: {}", with_causes(&e)))? {
            if bytes.len() + chunk.len() > MAX_ANSWER {
                return Err(format!("{url}: the answer is over {MAX_ANSWER} bytes"));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(match status {
            200 => Answer::Cosigned(bytes),
            409 => {
                let text = std::str::from_utf8(&bytes).unwrap_or_default();
                let size = text
                    .strip_suffix('\n')
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| format!("{url}: a 409 answer whose body is not a size: {text:?}"))?;
                Answer::Conflict(size)
            }
            _ => Answer::Refused {
                status,
                body: String::from_utf8_lossy(&bytes).chars().take(300).collect::<String>().trim().to_owned(),
            },
        })
    }
}

/// An error with its causes (reqwest's own text leaves out why a connection failed).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Brings one witness up to date with the log's head: the size it cosigned, or `None` when
/// its cosignature of the head was kept already (or the log is empty).
pub async fn cosign(app: &App, client: &WitnessClient, witness: &LogWitness) -> Result<Option<u64>, String> {
    let Some(mut request) = app.witness_request(witness, None).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let mut retried = false;
    loop {
        match client.add_checkpoint(&witness.url, &request.body).await? {
            Answer::Cosigned(lines) => {
                app.keep_cosignature(witness, &request, &lines, jiff::Timestamp::now())
                    .await
                    .map_err(|e| e.to_string())?;
                return Ok(Some(request.size));
            }
            Answer::Conflict(size) if !retried => {
                tracing::info!(witness = %witness.name, old = request.old, size, "the witness is at another size; asking again from there");
                retried = true;
                request = match app.witness_request(witness, Some(size)).await.map_err(|e| e.to_string())? {
                    Some(r) => r,
                    None => return Ok(None),
                };
            }
            Answer::Conflict(size) => {
                return Err(format!("answered 409 twice (the second time at size {size})"));
            }
            Answer::Refused { status, body } => {
                return Err(format!(
                    "refused the checkpoint of size {} from {}: HTTP {status}: {body}",
                    request.size, request.old
                ));
            }
        }
    }
}

/// How often [`collect`] runs.
#[derive(Debug, Clone)]
pub struct CollectSettings {
    /// The pause after an append before asking, so a burst of writes makes one round.
    pub debounce: Duration,
    /// The longest time between rounds (writes made by another process wake nobody).
    pub poll: Duration,
    /// The longest pause before a failing witness is tried again.
    pub max_backoff: Duration,
}

impl Default for CollectSettings {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(250),
            poll: Duration::from_secs(5),
            max_backoff: Duration::from_secs(60),
        }
    }
}

struct Attempts {
    failures: u32,
    next_try: Instant,
}

/// Collects cosignatures of the log's checkpoints from its witnesses while the server runs
/// (returns at once when it has none).
pub async fn collect(app: App, client: WitnessClient, settings: CollectSettings) {
    let witnesses = app.log_witnesses().to_vec();
    if witnesses.is_empty() {
        return;
    }
    let signal = app.log_signal();
    let mut attempts: Vec<Attempts> =
        witnesses.iter().map(|_| Attempts { failures: 0, next_try: Instant::now() }).collect();
    // The head size last found short of the quorum, and whether that was said.
    let mut short: Option<(u64, bool)> = None;
    loop {
        let now = Instant::now();
        let mut round = tokio::task::JoinSet::new();
        for (i, witness) in witnesses.iter().enumerate() {
            if attempts[i].next_try <= now {
                let (app, client, witness) = (app.clone(), client.clone(), witness.clone());
                round.spawn(async move { (i, cosign(&app, &client, &witness).await) });
            }
        }
        while let Some(done) = round.join_next().await {
            let Ok((i, outcome)) = done else { continue };
            let (witness, state) = (&witnesses[i], &mut attempts[i]);
            match outcome {
                Ok(size) => {
                    if state.failures > 0 {
                        tracing::info!(witness = %witness.name, url = %witness.url, "the witness answers again");
                    }
                    if let Some(size) = size {
                        tracing::debug!(witness = %witness.name, size, "cosigned by the witness");
                    }
                    state.failures = 0;
                    state.next_try = Instant::now();
                }
                Err(error) => {
                    state.failures = state.failures.saturating_add(1);
                    let pause = Duration::from_secs(1)
                        .saturating_mul(1u32 << state.failures.min(16).saturating_sub(1))
                        .min(settings.max_backoff);
                    state.next_try = Instant::now() + pause;
                    tracing::warn!(witness = %witness.name, url = %witness.url, %error, retry_in_s = pause.as_secs(), "no cosignature from the witness; the log goes on without it");
                }
            }
        }
        match app.log_quorum().await {
            Ok(Some(status)) if !status.met => match short {
                Some((size, false)) if size == status.size => {
                    tracing::warn!(size, cosigned = ?status.cosigned, "the log's checkpoint lacks the witnesses' quorum");
                    short = Some((size, true));
                }
                Some((size, true)) if size == status.size => {}
                _ => short = Some((status.size, false)),
            },
            Ok(Some(status)) => {
                if matches!(short, Some((_, true))) {
                    tracing::info!(
                        size = status.size,
                        "the log's checkpoint has the witnesses' quorum again"
                    );
                }
                short = None;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the log's cosignatures"),
        }
        let retry = attempts.iter().filter(|a| a.failures > 0).map(|a| a.next_try).min();
        let wait =
            retry.map_or(settings.poll, |t| t.saturating_duration_since(Instant::now()).min(settings.poll));
        tokio::select! {
            () = signal.notified() => tokio::time::sleep(settings.debounce).await,
            () = tokio::time::sleep(wait) => {}
        }
    }
}
