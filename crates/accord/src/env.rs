//! Every `ACCORD_*` environment variable, in one place. `accord --help` lists them.

pub const DATA: &str = "ACCORD_DATA";
pub const LISTEN: &str = "ACCORD_LISTEN";
pub const DATABASE: &str = "ACCORD_DATABASE";
pub const PUBLIC_URL: &str = "ACCORD_PUBLIC_URL";
pub const BOOTSTRAP_TOKEN: &str = "ACCORD_BOOTSTRAP_TOKEN";
pub const LOG: &str = "ACCORD_LOG";
pub const LOG_FORMAT: &str = "ACCORD_LOG_FORMAT";

/// Shown at the end of `accord --help`.
pub const HELP: &str = "\
Environment variables:
  ACCORD_DATA             data folder of the embedded store (default ./accord-data)
  ACCORD_LISTEN           address `accord serve` listens on (default 127.0.0.1:8080)
  ACCORD_DATABASE         database URL; empty or sqlite: for the embedded store
  ACCORD_PUBLIC_URL       URL users reach the server at; https:// makes cookies Secure
  ACCORD_BOOTSTRAP_TOKEN  API token of the first administrator (else one is generated and printed once)
  ACCORD_LOG              log filter, e.g. info or accord_server=debug (default info)
  ACCORD_LOG_FORMAT       text or json (default text)";
