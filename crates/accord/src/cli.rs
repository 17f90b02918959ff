//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env;

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "Accord: threat intelligence, coordinated vulnerability disclosure and public advisories for the Cybersecurity Tech Accord",
    after_help = env::HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (web interface, JSON API, operations endpoints)
    Serve(ServeArgs),
    /// Administer the store offline: organisations, users, tokens, the accord text
    Admin(AdminArgs),
    /// Make and check Ed25519 signatures of the accord offline
    Signature(SignatureArgs),
    /// TAXII 2.1 federation: pull remote collections into the local store
    Taxii(TaxiiArgs),
    /// Version order of a package ecosystem, as the scanner and the OSV query API apply it
    Version(VersionArgs),
    /// The local advisory database `accord scan` reads
    Db(DbArgs),
    /// Find the known vulnerabilities of the dependencies in lockfiles and SBOMs (exit 1 when
    /// some are found, 2 on errors)
    Scan(ScanArgs),
    /// STIX 2.1 patterns: check one, or match one against observed-data
    Pattern(PatternArgs),
    /// Check a transparency log: its signature, its consistency with what was seen before,
    /// its entries and embargo commitments (exit 1 when it does not check out, 2 on errors)
    Log(LogArgs),
    /// Hunt STIX indicators in logs: JSON lines, text, CSV, syslog, access logs (exit 1 when
    /// something matched, 2 on errors)
    Hunt(HuntArgs),
    /// Witness transparency logs (C2SP tlog-witness v1): cosign each log's checkpoints that are
    /// consistent with the last one cosigned, so that a log cannot show two histories
    Witness(WitnessArgs),
}

#[derive(Args)]
pub struct WitnessArgs {
    #[command(subcommand)]
    pub command: WitnessCommand,
}

#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Run the witness's HTTP server: POST /add-checkpoint (C2SP tlog-witness v1) and the
    /// monitoring API GET /<hex SHA-256 of a log's origin>/checkpoint
    Serve(WitnessServeArgs),
    /// Print the witness's verifier key (type 0x04) for the logs' operators; the key is made
    /// when missing (with --name)
    Key(WitnessKeyArgs),
}

#[derive(Args)]
pub struct WitnessKeyArgs {
    /// Data folder of the witness: its key (witness.key, mode 0600) and what it cosigned
    /// (witness.sqlite3)
    #[arg(long, env = env::WITNESS_DATA, default_value = "./accord-witness", value_name = "DIR")]
    pub data: PathBuf,
    /// The witness's name, the name of its key, e.g. witness.example.org/w1: needed to make the
    /// key; when given later, it must be the key's
    #[arg(long, env = env::WITNESS_NAME, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Args)]
pub struct WitnessServeArgs {
    #[command(flatten)]
    pub key: WitnessKeyArgs,
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, env = env::WITNESS_LISTEN, default_value = "127.0.0.1:7380", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// A log to witness, by its verifier key (GET /.well-known/accord/log-key of an Accord
    /// server); its key name is its origin. Repeat for several
    #[arg(long = "log", env = env::WITNESS_LOGS, value_delimiter = ' ', value_name = "VKEY")]
    pub logs: Vec<String>,
    /// A tlog-policy file whose `log` lines are logs to witness (with those of --log)
    #[arg(long, env = env::WITNESS_POLICY, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Log format
    #[arg(long, env = env::LOG_FORMAT, value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Args)]
pub struct PatternArgs {
    #[command(subcommand)]
    pub command: PatternCommand,
}

#[derive(Subcommand)]
pub enum PatternCommand {
    /// Print `ok` when PATTERN is a valid STIX 2.1 pattern; otherwise the error with its line and
    /// column, exit 1
    Check {
        #[arg(value_name = "PATTERN")]
        pattern: String,
    },
    /// Match PATTERN against the observed-data of FILE (a STIX bundle, or a JSON list of STIX
    /// objects, with the objects their `object_refs` name): print the ids of the matching
    /// observed-data as JSON, exit 0; exit 1 when nothing matches, 2 on bad input
    Match {
        #[arg(value_name = "PATTERN")]
        pattern: String,
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Fetch the checkpoint, check the log's signature, prove it consistent with the
    /// checkpoint seen before (kept in --state), and with --document prove that a document's
    /// SHA-256 was logged at its publication
    Verify {
        /// The log's URL prefix, e.g. https://accord.example/log
        url: String,
        /// The log's verifier key (GET /.well-known/accord/log-key), pinned
        #[arg(long, value_name = "VKEY")]
        key: String,
        /// File keeping the last checkpoint seen (made when missing, updated when the log checks out)
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// An advisory document (OSV, CVE JSON, …) whose publication must be in the log
        #[arg(long, value_name = "FILE")]
        document: Option<PathBuf>,
        /// A witness whose cosignature the checkpoint must carry, by its verifier key (type
        /// 0x04); repeat for several
        #[arg(long = "witness", value_name = "VKEY")]
        witnesses: Vec<String>,
        /// How many of the --witness keys must have cosigned the checkpoint [default: all]
        #[arg(long, value_name = "N", requires = "witnesses")]
        quorum: Option<usize>,
        /// A tlog-policy file: its witnesses and quorum decide (when it lists logs, --key must
        /// be one of them)
        #[arg(long, value_name = "FILE", conflicts_with_all = ["witnesses", "quorum"])]
        policy: Option<PathBuf>,
        /// Wait up to SECONDS for the checkpoint to carry the cosignatures asked for: the server
        /// collects them in the background after each change
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        wait: u64,
    },
    /// Rebuild the whole tree from the entry bundles, check it makes the signed root, and
    /// check every embargo commitment against its reveal
    Audit {
        /// The log's URL prefix, e.g. https://accord.example/log
        url: String,
        /// The log's verifier key, pinned
        #[arg(long, value_name = "VKEY")]
        key: String,
    },
}

#[derive(Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Build the database from OSV advisories: zip archives of OSV JSON files, folders (every
    /// *.json below them), or JSON files holding one record, a list, or {"vulns": [...]}.
    /// Every record is checked first; the file is replaced only when all are valid
    Import {
        /// The database file [default: $XDG_CACHE_HOME/accord/osv.db or ~/.cache/accord/osv.db]
        #[arg(long, env = env::SCAN_DB, value_name = "PATH")]
        db: Option<PathBuf>,
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Aligned columns for people
    Table,
    /// {"findings": [...], "warnings": [...], "not_evaluated": [...], "errors": [...]}
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// CycloneDX 1.5 VEX JSON
    #[value(name = "cyclonedx-vex")]
    CyclonedxVex,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Informational advisories (unmaintained, unsound, notice) count for the exit code
    Warnings,
}

#[derive(Args)]
pub struct ScanArgs {
    /// The database `accord db import` wrote [default: $XDG_CACHE_HOME/accord/osv.db or
    /// ~/.cache/accord/osv.db]
    #[arg(long, env = env::SCAN_DB, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Ask an Accord server's OSV API instead of a local database (e.g. https://accord.example)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: ScanFormat,
    /// Leave out an advisory, by id or alias; may be repeated
    #[arg(long = "ignore", value_name = "ID")]
    pub ignore: Vec<String>,
    /// A file of advisories to leave out: one id per line, `# reason`, `until=YYYY-MM-DD`
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// Make warnings count as findings for the exit code
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
    /// Lockfiles, SBOMs, package lists (*.accord-packages.json) or folders to walk
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
}

/// Where the store is.
#[derive(Args, Clone)]
pub struct StoreArgs {
    /// Data folder of the embedded SQLite store
    #[arg(long, env = env::DATA, default_value = "./accord-data", value_name = "DIR", global = true)]
    pub data: PathBuf,
    /// Database URL: empty or `sqlite:` for the embedded store under --data
    #[arg(long, env = env::DATABASE, value_name = "URL", global = true)]
    pub database: Option<String>,
    /// File holding the key that seals confidential case text (64 hex digits); made on first
    /// use when missing. Default: case-sealing.key in the data folder. Keep a copy apart from
    /// the database: without it, embargoed text cannot be read
    #[arg(long, env = env::CASE_KEY_FILE, value_name = "FILE", global = true)]
    pub case_key: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, env = env::LISTEN, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Load the demo data set when the store is empty
    #[arg(long)]
    pub demo: bool,
    /// Days from a vulnerability report to its default embargo deadline
    #[arg(long, env = env::EMBARGO_DAYS, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=3650), value_name = "DAYS")]
    pub embargo_days: i64,
    /// URL users reach the server at (https:// makes cookies Secure)
    #[arg(long, env = env::PUBLIC_URL, value_name = "URL")]
    pub public_url: Option<String>,
    /// OpenPGP secret key (armored, no passphrase) that signs CSAF documents; made there when
    /// missing. Default: csaf-signing.asc in the data folder
    #[arg(long, env = env::CSAF_KEY_FILE, value_name = "FILE")]
    pub csaf_key: Option<PathBuf>,
    /// Publisher name in CSAF documents and the CSAF provider metadata
    #[arg(long, env = env::CSAF_PUBLISHER, default_value = "Accord", value_name = "NAME")]
    pub csaf_publisher: String,
    /// A witness to ask for cosignatures of the transparency log's checkpoints: its verifier
    /// key (type 0x04, `accord witness key`) and URL, as VKEY=URL. Repeat for several; the
    /// checkpoint's quorum is all of them
    #[arg(long = "witness", env = env::LOG_WITNESSES, value_delimiter = ' ', value_name = "VKEY=URL", conflicts_with = "witness_policy")]
    pub witnesses: Vec<String>,
    /// A tlog-policy file of the log's witnesses (each `witness` line with its URL) and their
    /// quorum
    #[arg(long, env = env::LOG_WITNESS_POLICY, value_name = "FILE")]
    pub witness_policy: Option<PathBuf>,
    /// Log format
    #[arg(long, env = env::LOG_FORMAT, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// SMTP server for e-mail notifications: smtp://host:port (no TLS), smtp://host:587?tls=required
    /// (STARTTLS) or smtps://user:password@host (TLS). Without it, no e-mail is sent or queued
    #[arg(long, env = env::SMTP_URL, value_name = "URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender address of e-mail notifications
    #[arg(long, env = env::SMTP_FROM, default_value = "accord@localhost", value_name = "ADDRESS")]
    pub smtp_from: String,
    /// For operators who are a CVE Numbering Authority: the organisation UUID the CVE program
    /// gave your CNA, named as assigner and provider in the CVE records of
    /// /api/v1/advisories/{id}/cve. Without it, those records name a placeholder CNA `accord`
    /// and are previews, not records to submit
    #[arg(long, env = env::CVE_ORG_ID, value_name = "UUID", requires = "cve_org_short_name")]
    pub cve_org_id: Option<String>,
    /// Your CNA's short name in the CVE program (2 to 32 characters), with --cve-org-id
    #[arg(long, env = env::CVE_ORG_SHORT_NAME, value_name = "NAME", requires = "cve_org_id")]
    pub cve_org_short_name: Option<String>,
}

#[derive(Args)]
pub struct AdminArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Organisations and their accord status
    #[command(subcommand)]
    Org(OrgCommand),
    /// User accounts
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// The accord text
    #[command(subcommand)]
    Accord(AccordCommand),
    /// TAXII API roots, collections and grants
    #[command(subcommand)]
    Taxii(TaxiiCommand),
    /// The notification outbox, newest first
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// The audit trail of registry changes, newest first
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Load the demo data set into an empty store
    Demo,
    /// Import OSV advisories: zip archives of OSV JSON files, folders (every *.json below
    /// them), or JSON files holding one record, a list, or {"vulns": [...]}. All or nothing;
    /// re-importing the same records changes nothing
    #[command(name = "import-osv")]
    ImportOsv {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// List messages: id, created, kind, recipient kind, destination, state, attempts, last error
    List {
        /// Only messages in this state: pending, delivered or failed
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organisation
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        domain: String,
        /// vendor, cert, research or customer
        #[arg(long)]
        kind: String,
        /// E-mail address or https:// URL of the security team
        #[arg(long)]
        security_contact: Option<String>,
        /// Ed25519 public key (base64) to register; may be repeated
        #[arg(long = "public-key")]
        public_keys: Vec<String>,
    },
    /// List organisations
    List {
        /// signatory, invited, withdrawn or not_invited
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one organisation with its keys and signatures (JSON)
    Show { id: String },
    /// Invite an organisation to sign the accord
    Invite { id: String },
    /// Register an Ed25519 public key for an organisation
    AddKey {
        id: String,
        #[arg(long)]
        public_key: String,
    },
    /// Revoke an organisation's key (signatures made with it stay valid)
    RevokeKey {
        id: String,
        #[arg(long)]
        fingerprint: String,
    },
    /// Record a signature of the accord made offline (see `accord signature sign`)
    Sign {
        id: String,
        #[arg(long)]
        public_key: String,
        #[arg(long)]
        signature: String,
        /// Accord version (default: the latest)
        #[arg(long)]
        version: Option<u32>,
    },
    /// Withdraw an organisation from the accord
    Withdraw {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum TaxiiCommand {
    /// Add an API root (served at /taxii2/NAME/)
    AddApiRoot {
        /// 1 to 64 lower-case letters, digits and hyphens
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// Add a collection to an API root; prints its id
    AddCollection {
        #[arg(long)]
        api_root: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        description: Option<String>,
        /// TLP of objects without a TLP marking: clear, green, amber, amber+strict or red
        #[arg(long, default_value = "amber")]
        default_tlp: String,
        /// Anonymous readers may read its TLP:CLEAR objects
        #[arg(long)]
        public: bool,
    },
    /// List the collections of an API root
    Collections {
        #[arg(long)]
        api_root: String,
    },
    /// Set what an organisation may do with a collection (no flag: revoke both)
    Grant {
        /// Collection id
        collection: String,
        /// Organisation id
        #[arg(long)]
        org: String,
        #[arg(long)]
        read: bool,
        #[arg(long)]
        write: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, coordinator, org_admin, analyst or finder
        #[arg(long)]
        role: String,
        /// Organisation id (required for org_admin and analyst)
        #[arg(long)]
        org: Option<String>,
        /// Read a web-login password from standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a user's web-login password, read from standard input
    SetPassword { email: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; it is printed once
    Create {
        /// The user's e-mail address
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List a user's tokens (ids, names, dates; never the secrets)
    List {
        /// The user's e-mail address
        email: String,
    },
    /// Revoke a token at once
    Revoke {
        /// The user's e-mail address
        email: String,
        /// The token id shown by `accord admin token list`
        token_id: String,
    },
}

#[derive(Subcommand)]
pub enum AccordCommand {
    /// Publish the next version of the accord text from a file
    Publish {
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Print a version of the accord text (default: the latest)
    Show {
        #[arg(long)]
        version: Option<u32>,
    },
    /// Print the exact statement an organisation signs for a version
    Statement {
        /// Organisation id
        #[arg(long)]
        org: String,
        #[arg(long)]
        version: Option<u32>,
    },
}

#[derive(Args)]
pub struct SignatureArgs {
    #[command(subcommand)]
    pub command: SignatureCommand,
}

#[derive(Subcommand)]
pub enum SignatureCommand {
    /// Generate an Ed25519 key pair: the private key goes to FILE (mode 0600), the public key to stdout
    Keygen {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Sign a statement file with a private key file; prints the signature (base64)
    Sign {
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        #[arg(long, value_name = "FILE")]
        statement: PathBuf,
    },
    /// Verify a signature over a statement file; exit 0 when valid, 1 when not
    Verify {
        #[arg(long, value_name = "FILE")]
        statement: PathBuf,
        #[arg(long)]
        public_key: String,
        #[arg(long)]
        signature: String,
    },
}

#[derive(Args)]
pub struct TaxiiArgs {
    #[command(subcommand)]
    pub command: TaxiiClientCommand,
}

#[derive(Subcommand)]
pub enum TaxiiClientCommand {
    /// Pull a remote TAXII 2.1 collection into a local collection, resuming where the last pull stopped
    ///
    /// Every version added upstream since the last pull is fetched page by page, validated like
    /// objects added over TAXII, and stored with the resume point in one transaction, so an
    /// interrupted pull loses nothing and a re-run only fetches what is new. Works offline on the
    /// store, like `accord admin`. Exit code 0 when every object was stored, 1 when some were
    /// refused (listed on stderr), 2 on an error.
    Pull(PullArgs),
}

#[derive(Args)]
pub struct PullArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The remote API root, e.g. https://taxii.example/api1/
    #[arg(value_name = "URL")]
    pub url: String,
    /// Id of the remote collection
    #[arg(long, value_name = "ID")]
    pub collection: String,
    /// Id of the local collection the objects go to (see `accord admin taxii collections`)
    #[arg(long, value_name = "ID")]
    pub into: String,
    /// API token for the remote server (sent as a Bearer token)
    #[arg(long, env = env::PULL_TOKEN, hide_env_values = true, conflicts_with_all = ["user", "password"])]
    pub token: Option<String>,
    /// User name for HTTP Basic authentication at the remote server
    #[arg(long, env = env::PULL_USER, requires = "password")]
    pub user: Option<String>,
    /// Password for HTTP Basic authentication (better given through the environment)
    #[arg(long, env = env::PULL_PASSWORD, hide_env_values = true, requires = "user")]
    pub password: Option<String>,
    /// Objects asked for per page (servers may send fewer)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,
}

#[derive(Args)]
pub struct VersionArgs {
    #[command(subcommand)]
    pub command: VersionCommand,
}

#[derive(Subcommand)]
pub enum VersionCommand {
    /// Compare two versions in an ecosystem's order: prints `<`, `=` or `>`
    ///
    /// ECOSYSTEM takes the OSV names: PyPI, crates.io, npm, Go, Maven, RubyGems, NuGet,
    /// Packagist, Debian, Ubuntu, Alpine, "Red Hat", Pub, Hex, CRAN, … (a suffix such as
    /// `Debian:12` is allowed). Exit code 2 when a version is not valid in that ecosystem. With
    /// --batch, reads lines `A B` from standard input and prints one of `<`, `=`, `>` or
    /// `invalid` per line.
    Compare(CompareArgs),
}

#[derive(Args)]
pub struct CompareArgs {
    /// The ecosystem, by its OSV name
    #[arg(value_name = "ECOSYSTEM")]
    pub ecosystem: String,
    /// The first version
    #[arg(value_name = "A", required_unless_present = "batch", conflicts_with = "batch")]
    pub a: Option<String>,
    /// The second version
    #[arg(value_name = "B", required_unless_present = "batch", conflicts_with = "batch")]
    pub b: Option<String>,
    /// Read pairs `A B`, one per line, from standard input
    #[arg(long)]
    pub batch: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HuntFormat {
    /// By the file name and first line
    Auto,
    /// One JSON object per line, Elastic Common Schema field names (and --mapping)
    Json,
    /// Any text: IP addresses, domains, URLs, e-mail addresses and hashes as whole tokens
    Text,
    /// CSV with a header naming the columns like JSON fields
    Csv,
    /// RFC 3164 or RFC 5424 syslog
    Syslog,
    /// Common or combined web-server access logs
    Access,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HuntOutput {
    /// Aligned columns for people
    Table,
    /// One JSON object per match (indicator, name, file, line, value, time)
    Json,
}

#[derive(Args)]
pub struct HuntArgs {
    /// A STIX bundle holding indicators (also a TAXII envelope or a list of objects); repeat
    /// the option, or separate files with commas, for several
    #[arg(long = "indicators", value_name = "FILE", value_delimiter = ',')]
    pub indicators: Vec<PathBuf>,
    /// Indicators from a TAXII 2.1 API root, e.g. https://taxii.example/api1/ (with --collection)
    #[arg(long, value_name = "URL", requires = "collection", conflicts_with = "server")]
    pub taxii: Option<String>,
    /// Indicators from an Accord server's TAXII API (its default API root; with --collection)
    #[arg(long, value_name = "URL", requires = "collection")]
    pub server: Option<String>,
    /// The TAXII collection to read indicators from (and post sightings to)
    #[arg(long, value_name = "ID")]
    pub collection: Option<String>,
    /// API token for --taxii or --server (sent as a Bearer token)
    #[arg(long, env = env::HUNT_TOKEN, hide_env_values = true, conflicts_with_all = ["user", "password"])]
    pub token: Option<String>,
    /// User name for HTTP Basic authentication at --taxii or --server
    #[arg(long, requires = "password")]
    pub user: Option<String>,
    /// Password for HTTP Basic authentication
    #[arg(long, requires = "user")]
    pub password: Option<String>,
    /// Log format
    #[arg(long, value_enum, default_value = "auto")]
    pub format: HuntFormat,
    /// Field names of your logs mapped to STIX paths: a JSON object or TOML table, e.g.
    /// {"srcaddr": "ipv4-addr:value", "sha": "file:hashes.'SHA-256'", "ts": "time"}
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub output: HuntOutput,
    /// Post a STIX sighting per matched indicator to the collection (with --server or --taxii,
    /// --collection and --identity)
    #[arg(long, requires = "collection", requires = "identity")]
    pub sightings: bool,
    /// Your organisation's STIX identity, e.g. identity--…: the sightings' where_sighted_refs
    #[arg(long, value_name = "ID")]
    pub identity: Option<String>,
    /// Log files, folders (every file below them) or - for standard input [default: -]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}
