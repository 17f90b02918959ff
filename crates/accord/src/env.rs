//! Every `ACCORD_*` environment variable, in one place. `accord --help` lists them.

pub const DATA: &str = "ACCORD_DATA";
pub const LISTEN: &str = "ACCORD_LISTEN";
pub const DATABASE: &str = "ACCORD_DATABASE";
pub const PUBLIC_URL: &str = "ACCORD_PUBLIC_URL";
pub const BOOTSTRAP_TOKEN: &str = "ACCORD_BOOTSTRAP_TOKEN";
pub const LOG: &str = "ACCORD_LOG";
pub const LOG_FORMAT: &str = "ACCORD_LOG_FORMAT";
pub const CASE_KEY_FILE: &str = "ACCORD_CASE_KEY_FILE";
pub const EMBARGO_DAYS: &str = "ACCORD_EMBARGO_DAYS";
pub const CSAF_KEY_FILE: &str = "ACCORD_CSAF_KEY_FILE";
pub const CSAF_PUBLISHER: &str = "ACCORD_CSAF_PUBLISHER";
pub const SMTP_URL: &str = "ACCORD_SMTP_URL";
pub const SMTP_FROM: &str = "ACCORD_SMTP_FROM";
pub const CVE_ORG_ID: &str = "ACCORD_CVE_ORG_ID";
pub const CVE_ORG_SHORT_NAME: &str = "ACCORD_CVE_ORG_SHORT_NAME";
/// A testing knob: the first retry delay of a failed notification, in milliseconds.
pub const OUTBOX_RETRY_BASE_MS: &str = "ACCORD_OUTBOX_RETRY_BASE_MS";
pub const PULL_TOKEN: &str = "ACCORD_PULL_TOKEN";
pub const PULL_USER: &str = "ACCORD_PULL_USER";
pub const PULL_PASSWORD: &str = "ACCORD_PULL_PASSWORD";
pub const SCAN_DB: &str = "ACCORD_SCAN_DB";
pub const HUNT_TOKEN: &str = "ACCORD_HUNT_TOKEN";
pub const LOG_WITNESSES: &str = "ACCORD_LOG_WITNESSES";
pub const LOG_WITNESS_POLICY: &str = "ACCORD_LOG_WITNESS_POLICY";
pub const WITNESS_DATA: &str = "ACCORD_WITNESS_DATA";
pub const WITNESS_NAME: &str = "ACCORD_WITNESS_NAME";
pub const WITNESS_LISTEN: &str = "ACCORD_WITNESS_LISTEN";
pub const WITNESS_LOGS: &str = "ACCORD_WITNESS_LOGS";
pub const WITNESS_POLICY: &str = "ACCORD_WITNESS_POLICY";

/// Shown at the end of `accord --help`.
pub const HELP: &str = "\
Environment variables:
  ACCORD_DATA             data folder of the embedded store (default ./accord-data)
  ACCORD_LISTEN           address `accord serve` listens on (default 127.0.0.1:8080)
  ACCORD_DATABASE         database URL; empty or sqlite: for the embedded store
  ACCORD_PUBLIC_URL       URL users reach the server at; https:// makes cookies Secure
  ACCORD_BOOTSTRAP_TOKEN  API token of the first administrator (else one is generated and printed once)
  ACCORD_LOG              log filter, e.g. info or accord_server=debug (default info)
  ACCORD_LOG_FORMAT       text or json (default text)
  ACCORD_CASE_KEY_FILE    key file sealing confidential case text (default DATA/case-sealing.key)
  ACCORD_EMBARGO_DAYS     days from a report to its default embargo deadline (default 90)
  ACCORD_CSAF_KEY_FILE    OpenPGP key signing CSAF documents (default DATA/csaf-signing.asc)
  ACCORD_CSAF_PUBLISHER   publisher name of CSAF documents and provider metadata (default Accord)
  ACCORD_SMTP_URL         SMTP server for e-mail notifications (smtp://host:port, smtps://user:pass@host)
  ACCORD_SMTP_FROM        sender address of e-mail notifications (default accord@localhost)
  ACCORD_CVE_ORG_ID       CVE records: your CNA's organisation UUID, as the CVE program gave it
  ACCORD_CVE_ORG_SHORT_NAME  CVE records: your CNA's short name (with ACCORD_CVE_ORG_ID)
  ACCORD_OUTBOX_RETRY_BASE_MS  for tests: first retry delay of a failed notification (default 30000)
  ACCORD_PULL_TOKEN       `accord taxii pull`: API token for the remote server (Bearer)
  ACCORD_PULL_USER        `accord taxii pull`: user name for HTTP Basic at the remote server
  ACCORD_PULL_PASSWORD    `accord taxii pull`: password for HTTP Basic at the remote server
  ACCORD_SCAN_DB          `accord scan`, `accord db import`: the advisory database file
                          (default $XDG_CACHE_HOME/accord/osv.db or ~/.cache/accord/osv.db)
  ACCORD_HUNT_TOKEN       `accord hunt`: API token for --taxii or --server (Bearer)
  ACCORD_LOG_WITNESSES    `accord serve`: witnesses of the transparency log, VKEY=URL separated by spaces
  ACCORD_LOG_WITNESS_POLICY  `accord serve`: tlog-policy file of the log's witnesses (with URLs) and quorum
  ACCORD_WITNESS_DATA     `accord witness`: data folder of the witness (default ./accord-witness)
  ACCORD_WITNESS_NAME     `accord witness`: the witness's name, e.g. witness.example.org/w1
  ACCORD_WITNESS_LISTEN   `accord witness serve`: address to listen on (default 127.0.0.1:7380)
  ACCORD_WITNESS_LOGS     `accord witness serve`: verifier keys of the logs to witness, separated by spaces
  ACCORD_WITNESS_POLICY   `accord witness serve`: tlog-policy file whose `log` lines are the logs to witness";
