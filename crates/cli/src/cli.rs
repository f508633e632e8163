//! The command line as `clap` reads it: every subcommand, flag and value. Enum-valued flags
//! are `clap::ValueEnum`s, so a wrong value is refused with the list of right ones.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `vaxpass`: its global options and the subcommand.
#[derive(Parser)]
#[command(
    name = "vaxpass",
    version,
    about = "EU Digital COVID Certificates for Viet Nam"
)]
pub struct Cli {
    /// Language of messages for people: en or vi.
    #[arg(long, global = true, value_enum, default_value = "en")]
    pub lang: LangArg,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Decode a certificate without verifying it.
    Decode(DecodeArgs),
    /// Verify a certificate against trusted signer certificates.
    Verify(VerifyArgs),
    /// Manage the country signing CA and document signers.
    Keys(KeysArgs),
    /// Sign certificates for a batch of vaccination records (CSV or JSON Lines).
    Issue(IssueArgs),
    /// Write realistic synthetic vaccination records (for tests and benchmarks).
    GenRecords(GenRecordsArgs),
    /// Match vaccination records against the population registry: one class per record,
    /// a correction worklist per vaccination site, and the verified records for
    /// `issue --only-verified` (docs/reconcile.md).
    #[cfg(feature = "reconcile")]
    Reconcile(ReconcileArgs),
    /// Write a synthetic population registry for a records file, with known faults and the
    /// truth (for tests and benchmarks of `reconcile`).
    #[cfg(feature = "reconcile")]
    GenRegistry(GenRegistryArgs),
    /// Publish the signed static API (trust lists, value sets, index) atomically.
    Publish(PublishArgs),
    /// Revoke certificates (by UVCI, or a file of UVCIs, `HC1:` texts or certificates.jsonl
    /// lines) or a whole document signer; or list what is revoked. Takes effect at the next
    /// `publish`.
    Revoke(RevokeArgs),
    /// Serve the published trust lists and the verifier portal.
    Serve(ServeArgs),
    /// Draw text (a certificate) as a QR code image: PNG, or SVG when OUT ends in `.svg`.
    Qr(QrArgs),
    /// Run the dgc-testdata conformance suite found below DIR.
    Conformance(ConformanceArgs),
    /// Business rules (CertLogic): run rule tests and the CertLogic specification suites.
    Rules(RulesArgs),
}

/// QR images `issue` writes per certificate.
#[derive(Clone, Copy, ValueEnum)]
pub enum QrArg {
    /// No images (the fastest).
    None,
    /// 1-bit PNG.
    Png,
    /// SVG.
    Svg,
}

/// Signature algorithm of new keys.
#[derive(Clone, Copy, ValueEnum)]
pub enum AlgArg {
    /// ECDSA P-256 (recommended).
    #[value(name = "ES256")]
    Es256,
    /// RSASSA-PSS.
    #[value(name = "PS256")]
    Ps256,
}

/// Options of a new document signer.
#[derive(clap::Args)]
pub struct KeyArgs {
    /// Signature algorithm.
    #[arg(long, value_enum, default_value = "ES256")]
    pub alg: AlgArg,
    /// RSA modulus size for PS256 document signers (2048 or 3072).
    #[arg(long, default_value_t = 2048)]
    pub rsa_bits: usize,
    /// Certificate types the signer may sign, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub types: Vec<TypeArg>,
    /// Start of validity (RFC 3339; default now).
    #[arg(long)]
    pub valid_from: Option<String>,
    /// Days of validity of the document signer.
    #[arg(long, default_value_t = 730)]
    pub valid_days: i64,
    /// Organisation in subject names.
    #[arg(long, default_value = "Bộ Y tế (Ministry of Health)")]
    pub organization: String,
}

/// `vaxpass keys …`.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key store: country signing CA, document signer, trust-list signer.
    Init(KeysInitArgs),
    /// Add another document signer (rotation, or a signer for one certificate type).
    AddSigner(KeysAddSignerArgs),
    /// Make a document signer the one `issue` uses.
    Activate(KeysActivateArgs),
    /// List the document signers.
    List(KeysListArgs),
}

/// The `--lang` values.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Tiếng Việt.
    Vi,
}

/// Revocation reasons, as the log records them.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    /// Issued with wrong data (wrong person, dose or date).
    WrongData,
    /// Obtained by fraud.
    Fraud,
    /// The signing key is compromised.
    KeyCompromise,
    /// Replaced by a newer certificate.
    Superseded,
}

/// QR error-correction levels.
#[derive(Clone, Copy, ValueEnum)]
pub enum EccArg {
    /// About 7% of the code can be restored.
    L,
    /// About 15%.
    M,
    /// About 25% (HCERT recommends it).
    Q,
    /// About 30%.
    H,
}

/// Certificate types.
#[derive(Clone, Copy, ValueEnum)]
pub enum TypeArg {
    /// Vaccination.
    V,
    /// Test.
    T,
    /// Recovery.
    R,
}

/// Arguments of `decode`.
#[derive(clap::Args)]
pub struct DecodeArgs {
    /// `HC1:` text, a file holding it, a PNG/JPEG image of the QR code, or `-` for stdin.
    pub input: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// `HC1:` text, a file holding it, a PNG/JPEG image of the QR code, or `-` for stdin.
    pub input: String,
    /// A signer certificate (DER or PEM) or an EU gateway trust list (JSON). Repeatable.
    /// Checks no revocation; use --published for that.
    #[arg(long = "trust", required_unless_present = "published")]
    pub trust: Vec<PathBuf>,
    /// A published tree (`publish --out` or one version of it): its trust list and
    /// revocation filter, their signatures checked against --anchor.
    #[arg(long, requires = "anchor", conflicts_with = "trust")]
    pub published: Option<PathBuf>,
    /// The pinned trust-list signing certificate (PEM) for --published.
    #[arg(long, requires = "published")]
    pub anchor: Option<PathBuf>,
    /// The issuer's key store: check revocation against its exact log (gives the reason)
    /// instead of the published filter. Needs --published.
    #[arg(long, requires = "published")]
    pub keys: Option<PathBuf>,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    pub at: Option<String>,
    /// Print the full verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also assess acceptance under the business rules of this country of arrival (ISO
    /// 3166-1 alpha-2) at --at (or now): every rule with its outcome, and ACCEPTED, NOT
    /// ACCEPTED or CANNOT ASSESS. A country without rules is CANNOT ASSESS, never accepted.
    /// The exit code is then 0 only when the certificate is valid and accepted.
    #[arg(long)]
    pub country: Option<String>,
    /// Region of the country of arrival, for regional rules.
    #[arg(long, requires = "country")]
    pub region: Option<String>,
    /// Business rules in EU gateway JSON: `<CC>/<ID>/rule.json` folders (the EU
    /// business-rules layout), one country's folder, or a folder of rule files. Repeatable.
    /// A rule that fails the gateway's checks is reported and not used.
    #[arg(long, requires = "country")]
    pub rules: Vec<PathBuf>,
    /// EU value sets: the verdict checks every coded field against them (an unknown code
    /// makes the certificate NOT VALID), and the rules consult them. An EU value-set file, a
    /// compressed `{id: [codes]}` map, or a folder of them. Repeatable. With `--published`,
    /// the publication's own value sets are used unless these are given.
    #[arg(long = "value-sets")]
    pub value_sets: Vec<PathBuf>,
}

/// Arguments of `keys`.
#[derive(clap::Args)]
pub struct KeysArgs {
    /// What to do with the key store.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// Arguments of `issue`.
#[derive(clap::Args)]
pub struct IssueArgs {
    /// Key store directory.
    #[arg(long)]
    pub keys: PathBuf,
    /// Records to issue (see docs/records.md).
    #[arg(long)]
    pub input: PathBuf,
    /// Output directory (empty, or a run to --resume).
    #[arg(long)]
    pub out: PathBuf,
    /// QR images per certificate.
    #[arg(long, value_enum, default_value = "none")]
    pub qr: QrArg,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Continue an interrupted run in --out.
    #[arg(long)]
    pub resume: bool,
    /// Issue time (RFC 3339) instead of now; fixed for the whole run.
    #[arg(long)]
    pub issued_at: Option<String>,
    /// Verify every certificate before writing it (default: one in 1000).
    #[arg(long)]
    pub verify_all: bool,
    /// Pixels per QR module in PNG images.
    #[arg(long, default_value_t = 4)]
    pub png_scale: usize,
    /// zlib level of the certificate payload: 0 writes stored blocks (a standard zlib
    /// stream; certificate payloads do not compress, so it is as small and far faster), 9
    /// gives the `78 DA` header most issuers use.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=9))]
    pub zlib_level: u32,
    /// Milliseconds between durable checkpoints (what a crash can lose and redo).
    #[arg(long, default_value_t = 1500)]
    pub checkpoint_ms: u64,
    /// Issue only the records that `vaxpass reconcile --out DIR` verified against the
    /// population registry for this very input; the others are rejected.
    #[arg(long, value_name = "DIR")]
    pub only_verified: Option<PathBuf>,
}

/// Join algorithm of `reconcile`.
#[cfg(feature = "reconcile")]
#[derive(Clone, Copy, ValueEnum)]
pub enum JoinArg {
    /// Hash join while both inputs fit in half the memory limit, sort-merge beyond.
    Auto,
    /// In-memory hash join.
    Hash,
    /// Sort-merge join, spilling to disk.
    SortMerge,
}

/// Arguments of `reconcile`.
#[cfg(feature = "reconcile")]
#[derive(clap::Args)]
pub struct ReconcileArgs {
    /// Vaccination records (the `issue` input: CSV or JSON Lines).
    #[arg(long)]
    pub records: PathBuf,
    /// Population registry extract (CSV or JSON Lines; docs/registry.md).
    #[arg(long)]
    pub registry: PathBuf,
    /// Output directory: summary.json, verified.jsonl, worklists/, registry_problems.jsonl.
    #[arg(long)]
    pub out: PathBuf,
    /// Engine threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Memory the engine may use, in MiB; sorts and the sort-merge join spill beyond it.
    #[arg(long, default_value_t = 4096)]
    pub memory_mib: usize,
    /// Join algorithm.
    #[arg(long, value_enum, default_value = "auto")]
    pub join: JoinArg,
}

/// Arguments of `gen-registry`.
#[cfg(feature = "reconcile")]
#[derive(clap::Args)]
pub struct GenRegistryArgs {
    /// A `gen-records` file to build the registry for (else --count records are generated).
    #[arg(long, conflicts_with = "count", required_unless_present = "count")]
    pub records: Option<PathBuf>,
    /// Records to generate.
    #[arg(long)]
    pub count: Option<u64>,
    /// Output directory: records.csv, registry.csv (or .jsonl), truth.jsonl.
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed (same seed, same output).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the registry as JSON Lines.
    #[arg(long)]
    pub jsonl: bool,
}

/// Arguments of `gen-records`.
#[derive(clap::Args)]
pub struct GenRecordsArgs {
    /// Number of records.
    #[arg(long)]
    pub count: u64,
    /// Random seed (same seed, same records).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of records deliberately broken (0–1).
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Output file (default: stdout). `.jsonl` writes JSON Lines.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Force JSON Lines.
    #[arg(long)]
    pub jsonl: bool,
}

/// Arguments of `publish`.
#[derive(clap::Args)]
pub struct PublishArgs {
    /// Key store directory.
    #[arg(long)]
    pub keys: PathBuf,
    /// Output directory (its `current` link is replaced atomically).
    #[arg(long)]
    pub out: PathBuf,
    /// Partner trust lists in EU gateway JSON format to include. Repeatable.
    #[arg(long = "extra-trust")]
    pub extra_trust: Vec<PathBuf>,
    /// Viet Nam's business rules (a folder in the business-rules layout `<CC>/<ID>/rule.json`)
    /// instead of the built-in set.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Partner business rules to publish beside ours: a folder in the business-rules layout,
    /// a rule.json, or a JSON array of rules. Repeatable. A bad rule refuses the publication.
    #[arg(long = "extra-rules")]
    pub extra_rules: Vec<PathBuf>,
    /// EU value-set files (`valueSetId`, `valueSetDate`, `valueSetValues`) or a folder of
    /// them, published in `rules/valuesets.json`. Repeatable. Without it, no value sets are
    /// published and verifiers say value sets are not checked.
    #[arg(long = "value-sets")]
    pub value_sets: Vec<PathBuf>,
    /// Days the published lists stay valid.
    #[arg(long, default_value_t = 7)]
    pub valid_days: i64,
    /// Hours until the next planned publication (announced in the index).
    #[arg(long, default_value_t = 24)]
    pub update_hours: i64,
    /// Hours the revocation data stays valid (default: twice --update-hours). Past it,
    /// verifiers that did not get a newer publication cannot call our certificates valid.
    #[arg(long)]
    pub revocation_hours: Option<i64>,
    /// Publish although the revocation log does not continue the published one (a restored
    /// or replaced key store). Consequence: every revocation missing from this log is
    /// withdrawn, and the certificates concerned become valid again.
    #[arg(long)]
    pub allow_log_rewind: bool,
    /// Publication time (RFC 3339) instead of now.
    #[arg(long)]
    pub now: Option<String>,
}

/// Arguments of `revoke`.
#[derive(clap::Args)]
pub struct RevokeArgs {
    /// Key store directory (the revocation logs live there).
    #[arg(long)]
    pub keys: PathBuf,
    /// A certificate's UVCI. Repeatable.
    #[arg(long, conflicts_with_all = ["file", "signer", "list"])]
    pub uvci: Vec<String>,
    /// One certificate per line: a UVCI, an `HC1:` text, or a JSON line with "uvci" or
    /// "hc1" (an `issue` run's certificates.jsonl). `-` reads stdin.
    #[arg(long, conflicts_with_all = ["signer", "list"])]
    pub file: Option<PathBuf>,
    /// Revoke a document signer (Base64 kid): it leaves the published trust lists and
    /// `issue` refuses it.
    #[arg(long, conflicts_with = "list")]
    pub signer: Option<String>,
    /// Why it is revoked.
    #[arg(long, value_enum, required_unless_present = "list")]
    pub reason: Option<ReasonArg>,
    /// List what is revoked.
    #[arg(long)]
    pub list: bool,
    /// Revocation time (RFC 3339) instead of now.
    #[arg(long)]
    pub at: Option<String>,
}

/// Arguments of `serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// A `publish --out` directory.
    #[arg(long = "trust-lists")]
    pub trust_lists: PathBuf,
    /// The portal build (`dist/`).
    #[arg(long)]
    pub app: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Do not write access logs.
    #[arg(long)]
    pub no_access_log: bool,
}

/// Arguments of `qr`.
#[derive(clap::Args)]
pub struct QrArgs {
    /// `HC1:` text, a file holding it, a PNG/JPEG image of a QR code, or `-` for stdin.
    pub input: String,
    /// Output image.
    #[arg(long)]
    pub out: PathBuf,
    /// Pixels per module (PNG).
    #[arg(long, default_value_t = 4)]
    pub scale: usize,
    /// Error correction level: Q is the HCERT recommendation.
    #[arg(long, value_enum, default_value = "Q", ignore_case = true)]
    pub ecc: EccArg,
}

/// Arguments of `conformance`.
#[derive(clap::Args)]
pub struct ConformanceArgs {
    /// The suite directory (e.g. ../shared/conformance/dgc-testdata).
    pub dir: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Allowlist of known test-data errors (default: the one built in).
    #[arg(long)]
    pub allowlist: Option<PathBuf>,
}

/// Arguments of `keys init`.
#[derive(clap::Args)]
pub struct KeysInitArgs {
    /// Key store directory (new or empty; never under a published or served directory).
    #[arg(long)]
    pub dir: PathBuf,
    /// Issuing country.
    #[arg(long, default_value = "VN")]
    pub country: String,
    /// The new document signer.
    #[command(flatten)]
    pub key: KeyArgs,
}

/// Arguments of `keys add-signer`.
#[derive(clap::Args)]
pub struct KeysAddSignerArgs {
    /// Key store directory.
    #[arg(long)]
    pub dir: PathBuf,
    /// The new document signer.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Make it the signer `issue` uses.
    #[arg(long)]
    pub activate: bool,
}

/// Arguments of `keys activate`.
#[derive(clap::Args)]
pub struct KeysActivateArgs {
    /// Key store directory.
    #[arg(long)]
    pub dir: PathBuf,
    /// Its kid (Base64).
    pub kid: String,
}

/// Arguments of `keys list`.
#[derive(clap::Args)]
pub struct KeysListArgs {
    /// Key store directory.
    #[arg(long)]
    pub dir: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `rules`.
#[derive(clap::Args)]
pub struct RulesArgs {
    /// What to do with business rules.
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// `vaxpass rules …`.
#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run every `<CC>/<ID>/tests/*.json` under DIR against its `rule.json` (the EU
    /// business-rules test layout); one line per disagreement, then `N passed, M failed`.
    Test(RulesTestArgs),
    /// Run a CertLogic specification folder's `testSuite/` (its skip directives honoured)
    /// and `validation-testSuite/`; one line per disagreement, then `N passed, M failed`.
    CertlogicSuite(RulesSuiteArgs),
}

/// Arguments of `rules test`.
#[derive(clap::Args)]
pub struct RulesTestArgs {
    /// A business-rules folder (`<CC>/<ID>/rule.json` and `<CC>/<ID>/tests/*.json`), one
    /// country's folder, or one rule's folder.
    pub dir: PathBuf,
}

/// Arguments of `rules certlogic-suite`.
#[derive(clap::Args)]
pub struct RulesSuiteArgs {
    /// A CertLogic specification folder holding `testSuite/` and `validation-testSuite/`
    /// (e.g. ../shared/reference/data/certlogic).
    pub dir: PathBuf,
}
