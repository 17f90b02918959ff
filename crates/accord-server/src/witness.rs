//! The HTTP face of a transparency-log witness (C2SP tlog-witness v1), served by
//! `accord witness serve` on its own listener:
//!
//! * `POST /add-checkpoint`: 200 with the cosignature line; 400 malformed or old > size; 403
//!   no valid signature of a trusted key; 404 unknown origin; 409 with the latest cosigned size
//!   as `text/x.tlog.size`; 422 a checkpoint inconsistent with the one cosigned before;
//!   413 for a body over [`WITNESS_BODY_LIMIT`];
//! * `GET /<lowercase hex SHA-256 of the origin>/checkpoint`: the latest checkpoint cosigned
//!   for that log (monitoring API), 404 before the first;
//! * `GET /`: the witness's verifier key and the logs it follows; `GET /healthz`.

use std::time::Duration;

use accord_app::witness::Witness;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Largest add-checkpoint body: 63 proof hashes and a checkpoint with 100 signatures fit in
/// a small part of it.
pub const WITNESS_BODY_LIMIT: usize = 64 * 1024;

/// The media type of a 409 answer's body.
pub const TLOG_SIZE_TYPE: &str = "text/x.tlog.size";

/// The witness's router.
pub fn witness_router(witness: Witness) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_sha256}/checkpoint", get(checkpoint))
        .route("/", get(about))
        .route("/healthz", get(|| async { text(StatusCode::OK, "ok\n".into()) }))
        .with_state(witness)
        .layer(DefaultBodyLimit::max(WITNESS_BODY_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(
                    TraceLayer::new_for_http()
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(CatchPanicLayer::custom(|_| {
                    tracing::error!("a witness handler panicked");
                    text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into())
                }))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30))),
        )
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], body)
        .into_response()
}

fn internal(e: accord_app::AppError) -> Response {
    tracing::error!(error = %e, "witness request failed");
    text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into())
}

async fn add_checkpoint(State(witness): State<Witness>, body: Bytes) -> Response {
    match witness.add_checkpoint(&body, jiff::Timestamp::now()).await {
        Ok(Ok(cosignature)) => text(StatusCode::OK, cosignature),
        Ok(Err(refusal)) => {
            let status =
                StatusCode::from_u16(refusal.status()).expect("a refusal's status is a valid HTTP status");
            if let accord_app::witness::Refusal::Conflict { latest, .. } = refusal {
                return (
                    status,
                    [(header::CONTENT_TYPE, HeaderValue::from_static(TLOG_SIZE_TYPE))],
                    format!("{latest}\n"),
                )
                    .into_response();
            }
            tracing::info!(status = status.as_u16(), refusal = %refusal, "refused a checkpoint");
            text(status, format!("{refusal}\n"))
        }
        Err(e) => internal(e),
    }
}

async fn checkpoint(State(witness): State<Witness>, Path(origin_sha256): Path<String>) -> Response {
    match witness.checkpoint(&origin_sha256).await {
        Ok(Some(note)) => {
            let mut resp = text(StatusCode::OK, note);
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        Ok(None) => text(StatusCode::NOT_FOUND, "no checkpoint cosigned for this log\n".into()),
        Err(e) => internal(e),
    }
}

async fn about(State(witness): State<Witness>) -> Response {
    let mut body = format!("C2SP tlog-witness\nkey {}\n", witness.verifier_key());
    for origin in witness.logs().origins() {
        body.push_str(&format!("log {origin}\n"));
    }
    text(StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use accord_tlog::{
        AddCheckpointRequest, Checkpoint, Cosigner, KeyName, MemoryHashes, NoteSigner, TrustedLogs,
        consistency_proof,
    };
    use axum::body::Body;
    use axum::http::Request;
    use sha2::Digest;
    use tower::ServiceExt;

    use super::*;

    const ORIGIN: &str = "log.example/log";

    struct Fixture {
        _dir: tempfile::TempDir,
        router: Router,
        log: NoteSigner,
        tree: MemoryHashes,
        cosigner: Cosigner,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let log = NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[1; 32]);
        let cosigner = Cosigner::from_seed(KeyName::new("witness.example/w1").unwrap(), &[2; 32]);
        let witness =
            Witness::open(dir.path(), cosigner.clone(), TrustedLogs::new([log.verifier_key()])).unwrap();
        let mut tree = MemoryHashes::new();
        for i in 0..30u32 {
            tree.append(&i.to_be_bytes());
        }
        Fixture { _dir: dir, router: witness_router(witness), log, tree, cosigner }
    }

    impl Fixture {
        fn body(&self, old: u64, size: u64) -> String {
            let root = accord_tlog::root_hash(&self.tree, size).unwrap();
            let checkpoint = Checkpoint::new(ORIGIN, size, root).unwrap().sign(&self.log);
            let proof = if old == 0 || old == size {
                vec![]
            } else {
                consistency_proof(&self.tree, old, size).unwrap()
            };
            AddCheckpointRequest { old, proof, checkpoint }.to_string()
        }

        async fn post(&self, body: impl Into<Body>) -> (StatusCode, String, String) {
            let req = Request::post("/add-checkpoint").body(body.into()).unwrap();
            self.send(req).await
        }

        async fn get(&self, path: &str) -> (StatusCode, String, String) {
            self.send(Request::get(path).body(Body::empty()).unwrap()).await
        }

        async fn send(&self, req: Request<Body>) -> (StatusCode, String, String) {
            let resp = self.router.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let ct = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
            (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
        }
    }

    #[tokio::test]
    async fn add_checkpoint_answers_with_the_specs_status_codes() {
        let f = fixture();
        // 200: a cosignature line by the witness's key over the checkpoint.
        let (status, _, line) = f.post(f.body(0, 5)).await;
        assert_eq!(status, StatusCode::OK, "{line}");
        let note = format!("{}{line}", f.body(0, 5).split_once("\n\n").unwrap().1);
        let keys = [f.log.verifier_key(), f.cosigner.verifier_key()];
        let (_, _, verified) = Checkpoint::open(note.as_bytes(), ORIGIN, &keys).unwrap();
        assert_eq!(verified.len(), 2);
        assert!(verified[1].timestamp.unwrap() > 1_700_000_000);

        // 409: another old size than the latest cosigned; the body is that size.
        for old in [0, 3, 6] {
            assert_eq!(
                f.post(f.body(old, 9)).await,
                (StatusCode::CONFLICT, TLOG_SIZE_TYPE.into(), "5\n".into())
            );
        }
        // 200 from 5; then a rollback to 7 is 409 (the witness is at 12).
        assert_eq!(f.post(f.body(5, 12)).await.0, StatusCode::OK);
        assert_eq!(f.post(f.body(7, 7)).await, (StatusCode::CONFLICT, TLOG_SIZE_TYPE.into(), "12\n".into()));
        // 400: old beyond the checkpoint's size, and malformed bodies.
        let too_old = f.body(12, 12).replacen("old 12\n", "old 13\n", 1);
        assert_eq!(f.post(too_old).await.0, StatusCode::BAD_REQUEST);
        for bad in ["", "old 12\n", "hello\n\nworld\n", "old x\n\nlog.example/log\n"] {
            assert_eq!(f.post(bad).await.0, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        assert_eq!(f.post(vec![0xffu8, b'\n', b'\n']).await.0, StatusCode::BAD_REQUEST);
        // 404: a log the witness does not follow.
        let other = NoteSigner::from_seed(KeyName::new("other.example/log").unwrap(), &[3; 32]);
        let cp = Checkpoint::new("other.example/log", 1, accord_tlog::leaf_hash(b"x")).unwrap().sign(&other);
        let body = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: cp }.to_string();
        assert_eq!(f.post(body).await.0, StatusCode::NOT_FOUND);
        // 403: signed under the log's name by an unknown key.
        let impostor = NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[4; 32]);
        let root = accord_tlog::root_hash(&f.tree, 20).unwrap();
        let cp = Checkpoint::new(ORIGIN, 20, root).unwrap().sign(&impostor);
        let proof = consistency_proof(&f.tree, 12, 20).unwrap();
        let body = AddCheckpointRequest { old: 12, proof, checkpoint: cp }.to_string();
        assert_eq!(f.post(body).await.0, StatusCode::FORBIDDEN);
        // 422: the same size with another root (a fork), and a proof that does not verify.
        let mut other_root = accord_tlog::root_hash(&f.tree, 12).unwrap();
        other_root.0[31] ^= 1;
        let fork = Checkpoint::new(ORIGIN, 12, other_root).unwrap().sign(&f.log);
        let body = AddCheckpointRequest { old: 12, proof: vec![], checkpoint: fork }.to_string();
        let (status, ct, text) = f.post(body).await;
        assert_eq!((status, ct.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "text/plain; charset=utf-8"));
        assert!(text.contains("another root"), "{text}");
        let mut bad = f.body(12, 20);
        let line = bad.lines().nth(1).unwrap().to_owned();
        let flipped =
            if line.starts_with('A') { line.replacen('A', "B", 1) } else { format!("A{}", &line[1..]) };
        bad = bad.replacen(&line, &flipped, 1);
        assert_eq!(f.post(bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        // Nothing moved: 12 is still the latest.
        assert_eq!(f.post(f.body(12, 20)).await.0, StatusCode::OK);

        // 413 over the limit; 405 for another method.
        let big = format!("old 0\n\n{}", "x".repeat(WITNESS_BODY_LIMIT + 1));
        assert_eq!(f.post(big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(f.get("/add-checkpoint").await.0, StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn the_monitoring_api_serves_the_latest_cosigned_checkpoint() {
        let f = fixture();
        let hash = hex::encode(sha2::Sha256::digest(ORIGIN));
        let path = format!("/{hash}/checkpoint");
        assert_eq!(f.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(f.post(f.body(0, 8)).await.0, StatusCode::OK);
        let (status, _, note) = f.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        let keys = [f.log.verifier_key(), f.cosigner.verifier_key()];
        let (cp, _, verified) = Checkpoint::open(note.as_bytes(), ORIGIN, &keys).unwrap();
        assert_eq!((cp.size(), verified.len()), (8, 2));
        assert_eq!(f.get(&path.to_uppercase()).await.0, StatusCode::NOT_FOUND);
        assert_eq!(f.get("/nothex/checkpoint").await.0, StatusCode::NOT_FOUND);
        let (status, _, about) = f.get("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            about.contains(&f.cosigner.verifier_key().to_string()) && about.contains("log log.example/log")
        );
    }
}
