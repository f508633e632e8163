//! The issuer's key store: a country signing CA (CSCA), document signers (DSC) it issued,
//! a separate trust-list signer, and the secret behind certificate identifiers
//! (HCERT.md §2.2–2.3; DCC certificate governance §3–4).
//!
//! Layout of the directory (mode 0700; every private file 0600, created, never overwritten):
//!
//! ```text
//! keystore.json                    country and the active document signer's kid
//! csca.crt.pem  csca.key.pem       country signing CA (self-signed, CA:true, pathLen 0)
//! signers/<kid hex>.crt.pem/.key.pem   document signers (digitalSignature, DCC type EKUs)
//! trust-list-signer.crt.pem/.key.pem   signs published lists; never signs certificates
//! uvci.secret                      32 random bytes: UVCIs cannot be guessed from record ids
//! publication.seq                  the last publication sequence signed (only grows)
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use hcert::{
    Algorithm, Certificate, CertificateSpec, CertificateType, IssuerRef, KeyFactory, NameAttr,
    SigningKey, UnixTime,
};
use serde::{Deserialize, Serialize};

/// Directory names a key store must never live under: what gets published or served.
pub const FORBIDDEN_DIRS: [&str; 6] = ["trust-lists", "public", "dist", "www", "htdocs", "html"];

const DAY: i64 = 86_400;

/// The last publication sequence signed, in the key store directory.
pub const PUBLICATION_SEQUENCE: &str = "publication.seq";

/// Options for new keys.
#[derive(Debug, Clone)]
pub struct KeyOptions {
    /// Signature algorithm of the document signer (and of the CA).
    pub alg: Algorithm,
    /// RSA modulus size for PS256 document signers.
    pub rsa_bits: usize,
    /// Certificate types the signer may sign (empty = all three).
    pub types: Vec<CertificateType>,
    /// Start of validity.
    pub valid_from: UnixTime,
    /// Days of validity of a document signer.
    pub valid_days: i64,
    /// Organisation in the subject names.
    pub organization: String,
}

/// The manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Issuing country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Base64 kid of the document signer `issue` uses by default.
    pub active: String,
}

/// A document signer (or the trust-list signer) ready to sign.
pub struct Signer {
    /// Its certificate.
    pub certificate: Certificate,
    /// Its algorithm.
    pub alg: Algorithm,
    /// PKCS#8 DER of its private key.
    pkcs8: Vec<u8>,
}

impl Signer {
    /// A signing key for the fastest backend.
    pub fn signing_key(&self) -> Result<Box<dyn SigningKey>> {
        hcert::default_key_factory()
            .load_signing_key(self.alg, &self.pkcs8)
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The kid, Base64.
    pub fn kid(&self) -> String {
        self.certificate.kid_base64()
    }
}

/// An opened key store.
pub struct KeyStore {
    dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
}

/// Refuses paths under anything that gets published or served.
pub fn check_location(dir: &Path) -> Result<()> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()?.join(dir)
    };
    for c in abs.components() {
        if let Component::Normal(name) = c {
            let name = name.to_string_lossy().to_ascii_lowercase();
            if FORBIDDEN_DIRS.contains(&name.as_str()) {
                bail!(
                    "refusing to keep private keys under {}: a directory named {name:?} is published or served",
                    dir.display()
                );
            }
        }
    }
    Ok(())
}

fn random(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(buf)
}

/// A positive 16-byte serial number.
fn serial() -> Result<Vec<u8>> {
    let mut s = random(16)?;
    s[0] &= 0x7F;
    s[0] |= 0x01;
    Ok(s)
}

/// Writes a private file: created new (never overwritten), mode 0600.
pub fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(data)?;
    f.sync_all()?;
    Ok(())
}

fn write_public(path: &Path, data: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(data)?;
    f.sync_all()?;
    Ok(())
}

fn key_pem(pkcs8: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs8);
    let mut s = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(line));
        s.push('\n');
    }
    s.push_str("-----END PRIVATE KEY-----\n");
    s
}

fn read_key_pem(path: &Path) -> Result<Vec<u8>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .with_context(|| format!("{} is not a PEM private key", path.display()))
}

fn read_cert(path: &Path) -> Result<Certificate> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let der = hcert::pem_certificates(&text)?
        .into_iter()
        .next()
        .with_context(|| format!("{} holds no certificate", path.display()))?;
    Ok(Certificate::from_der(&der)?)
}

fn alg_of(cert: &Certificate) -> Algorithm {
    match cert.public_key.kind {
        hcert::KeyKind::EcP256 => Algorithm::Es256,
        _ => Algorithm::Ps256,
    }
}

fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

fn rsa_bits_for(alg: Algorithm, bits: usize) -> usize {
    if alg == Algorithm::Ps256 {
        bits
    } else {
        0
    }
}

fn new_key(
    factory: &dyn KeyFactory,
    alg: Algorithm,
    rsa_bits: usize,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let pkcs8 = factory
        .generate_pkcs8(alg, rsa_bits_for(alg, rsa_bits))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let spki = factory
        .public_key_der(alg, &pkcs8)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((pkcs8, spki))
}

impl KeyStore {
    /// Creates a new key store: CSCA, first document signer, trust-list signer, UVCI secret.
    pub fn init(dir: &Path, country: &str, opts: &KeyOptions) -> Result<KeyStore> {
        check_location(dir)?;
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            bail!("--country must be an ISO 3166-1 alpha-2 code such as VN");
        }
        if dir.exists() && fs::read_dir(dir)?.next().is_some() {
            bail!("{} is not empty: refusing to overwrite keys", dir.display());
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(dir.join("signers"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        let factory = hcert::default_key_factory();
        // The CA: RSA-3072 for PS256 (gateway certificates need ≥ 3000 bits), else P-256.
        let (ca_pkcs8, ca_spki) = new_key(factory, opts.alg, 3072)?;
        let ca_key = factory
            .load_signing_key(opts.alg, &ca_pkcs8)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let ca_name = hcert::encode_name(&[
            (NameAttr::Country, country),
            (NameAttr::Organization, &opts.organization),
            (
                NameAttr::CommonName,
                &format!("VaxPass Country Signing CA {country}"),
            ),
        ]);
        let ca_id = hcert::key_identifier(&ca_spki);
        let not_before = UnixTime(opts.valid_from.0 - 3600);
        let ca_der = hcert::build_certificate(
            &CertificateSpec {
                serial: serial()?,
                subject: ca_name.clone(),
                not_before,
                // Four years (certificate governance §3.2), and always beyond its signers.
                not_after: UnixTime(
                    opts.valid_from.0 + (4 * 365 + 1).max(opts.valid_days + 30) * DAY,
                ),
                spki_der: ca_spki,
                ca: Some(0),
                key_usage: hcert::KU_KEY_CERT_SIGN | hcert::KU_CRL_SIGN,
                types: vec![],
            },
            &IssuerRef {
                name: &ca_name,
                key: ca_key.as_ref(),
                key_id: ca_id,
            },
        )?;
        write_private(&dir.join("csca.key.pem"), key_pem(&ca_pkcs8).as_bytes())?;
        write_public(&dir.join("csca.crt.pem"), hcert::to_pem(&ca_der).as_bytes())?;
        write_private(&dir.join("uvci.secret"), hex(&random(32)?).as_bytes())?;
        let mut store = KeyStore {
            dir: dir.to_path_buf(),
            manifest: Manifest {
                country: country.to_string(),
                active: String::new(),
            },
        };
        // The trust-list signer: a plain signing certificate without any DCC type.
        let (tl_pkcs8, tl_der) = store.issue_from_ca(
            Algorithm::Es256,
            2048,
            &format!("VaxPass Trust List Signer {country}"),
            &[],
            opts.valid_from,
            opts.valid_days,
            &opts.organization,
            false,
        )?;
        write_private(
            &dir.join("trust-list-signer.key.pem"),
            key_pem(&tl_pkcs8).as_bytes(),
        )?;
        write_public(
            &dir.join("trust-list-signer.crt.pem"),
            hcert::to_pem(&tl_der).as_bytes(),
        )?;
        let kid = store.add_signer(opts)?;
        store.manifest.active = kid;
        store.save_manifest()?;
        Ok(store)
    }

    /// Opens an existing key store.
    pub fn open(dir: &Path) -> Result<KeyStore> {
        check_location(dir)?;
        let path = dir.join("keystore.json");
        let manifest: Manifest = serde_json::from_str(
            &fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
        )
        .with_context(|| format!("{} is not a key store manifest", path.display()))?;
        Ok(KeyStore {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    fn save_manifest(&self) -> Result<()> {
        let tmp = self.dir.join("keystore.json.tmp");
        fs::write(&tmp, serde_json::to_vec_pretty(&self.manifest)?)?;
        File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, self.dir.join("keystore.json"))?;
        Ok(())
    }

    /// The key store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CA certificate.
    pub fn csca(&self) -> Result<Certificate> {
        read_cert(&self.dir.join("csca.crt.pem"))
    }

    #[allow(clippy::too_many_arguments)]
    fn issue_from_ca(
        &self,
        alg: Algorithm,
        rsa_bits: usize,
        common_name: &str,
        types: &[CertificateType],
        valid_from: UnixTime,
        valid_days: i64,
        organization: &str,
        dcc_signer: bool,
    ) -> Result<(Vec<u8>, Vec<u8>)> {
        let ca = self.csca()?;
        let ca_pkcs8 = read_key_pem(&self.dir.join("csca.key.pem"))?;
        let factory = hcert::default_key_factory();
        let ca_key = factory
            .load_signing_key(alg_of(&ca), &ca_pkcs8)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (pkcs8, spki) = new_key(factory, alg, rsa_bits)?;
        let not_before = UnixTime(valid_from.0 - 3600);
        let not_after = UnixTime(valid_from.0 + valid_days * DAY).min(ca.not_after);
        if not_after <= valid_from {
            bail!("the CA expires before the new certificate would start");
        }
        // A DCC signer lists the type OIDs it may sign (all three unless restricted); the
        // trust-list signer lists none and is never placed on a DSC trust list.
        let types = if dcc_signer && types.is_empty() {
            CertificateType::ALL.to_vec()
        } else {
            types.to_vec()
        };
        let subject = hcert::encode_name(&[
            (NameAttr::Country, &self.manifest.country),
            (NameAttr::Organization, organization),
            (NameAttr::CommonName, common_name),
        ]);
        let der = hcert::build_certificate(
            &CertificateSpec {
                serial: serial()?,
                subject,
                not_before,
                not_after,
                spki_der: spki,
                ca: None,
                key_usage: hcert::KU_DIGITAL_SIGNATURE,
                types,
            },
            &IssuerRef {
                name: &ca.subject.der,
                key: ca_key.as_ref(),
                key_id: ca
                    .subject_key_id
                    .clone()
                    .unwrap_or_else(|| hcert::key_identifier(&ca.public_key.spki_der)),
            },
        )?;
        Ok((pkcs8, der))
    }

    /// Adds a document signer issued by the CA; returns its Base64 kid. It does not become
    /// active by itself (see [`KeyStore::activate`]).
    pub fn add_signer(&mut self, opts: &KeyOptions) -> Result<String> {
        let n = self.signers()?.len() + 1;
        let (pkcs8, der) = self.issue_from_ca(
            opts.alg,
            opts.rsa_bits,
            &format!("VaxPass Document Signer {} {n}", self.manifest.country),
            &opts.types,
            opts.valid_from,
            opts.valid_days,
            &opts.organization,
            true,
        )?;
        let cert = Certificate::from_der(&der)?;
        let base = self.dir.join("signers").join(hex(&cert.kid));
        write_private(&base.with_extension("key.pem"), key_pem(&pkcs8).as_bytes())?;
        write_public(
            &base.with_extension("crt.pem"),
            hcert::to_pem(&der).as_bytes(),
        )?;
        Ok(cert.kid_base64())
    }

    /// Makes a signer the one `issue` uses.
    pub fn activate(&mut self, kid: &str) -> Result<()> {
        if !self.signers()?.iter().any(|c| c.kid_base64() == kid) {
            bail!("no document signer with kid {kid}");
        }
        self.manifest.active = kid.to_string();
        self.save_manifest()
    }

    /// Every document signer certificate, oldest first.
    pub fn signers(&self) -> Result<Vec<Certificate>> {
        let mut out = Vec::new();
        let dir = self.dir.join("signers");
        if !dir.is_dir() {
            return Ok(out);
        }
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.to_string_lossy().ends_with(".crt.pem") {
                out.push(read_cert(&path)?);
            }
        }
        out.sort_by_key(|c| (c.not_before, c.kid));
        Ok(out)
    }

    /// A document signer by Base64 kid (the active one when `None`).
    pub fn signer(&self, kid: Option<&str>) -> Result<Signer> {
        let kid = kid.unwrap_or(&self.manifest.active);
        let cert = self
            .signers()?
            .into_iter()
            .find(|c| c.kid_base64() == kid)
            .with_context(|| format!("no document signer with kid {kid}"))?;
        let pkcs8 = read_key_pem(
            &self
                .dir
                .join("signers")
                .join(hex(&cert.kid))
                .with_extension("key.pem"),
        )?;
        Ok(Signer {
            alg: alg_of(&cert),
            certificate: cert,
            pkcs8,
        })
    }

    /// The trust-list signer.
    pub fn trust_list_signer(&self) -> Result<Signer> {
        let certificate = read_cert(&self.dir.join("trust-list-signer.crt.pem"))?;
        let pkcs8 = read_key_pem(&self.dir.join("trust-list-signer.key.pem"))?;
        Ok(Signer {
            alg: alg_of(&certificate),
            certificate,
            pkcs8,
        })
    }

    /// Reserves the next publication sequence: one more than the highest of the last one
    /// this key store signed and `published` (the sequence already in the output directory),
    /// written and fsynced before it is used. Kept with the trust-list signer, so a new output
    /// directory never restarts at 1, which every portal that saw a higher number would
    /// refuse as a rollback. An unreadable record is an error, never a restart.
    pub fn reserve_publication_sequence(&self, published: u64) -> Result<u64> {
        let path = self.dir.join(PUBLICATION_SEQUENCE);
        let lock = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.dir.join("publication.lock"))?;
        lock.lock().context("locking the publication sequence")?;
        let last = match fs::read_to_string(&path) {
            Ok(text) => text.trim().parse::<u64>().with_context(|| {
                format!(
                    "{} is damaged; restore it (the sequence must never go down)",
                    path.display()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let next = last.max(published) + 1;
        let tmp = self.dir.join(format!("{PUBLICATION_SEQUENCE}.tmp"));
        fs::write(&tmp, format!("{next}\n"))?;
        File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, &path)?;
        File::open(&self.dir)?.sync_all()?;
        Ok(next)
    }

    /// The secret behind UVCIs.
    pub fn uvci_secret(&self) -> Result<Vec<u8>> {
        let text = fs::read_to_string(self.dir.join("uvci.secret"))?;
        (0..text.trim().len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text.trim()[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .context("uvci.secret is not hex")
    }
}

/// `keys list` as text.
pub fn list_text(store: &KeyStore) -> Result<String> {
    use std::fmt::Write as _;
    let mut s = String::new();
    let ca = store.csca()?;
    let _ = writeln!(
        s,
        "country {}  CSCA {}  valid {} to {}",
        store.manifest.country,
        ca.subject.common_name.as_deref().unwrap_or("?"),
        ca.not_before.date_utc(),
        ca.not_after.date_utc()
    );
    let _ = writeln!(
        s,
        "{:<14} {:<6} {:<9} {:<10} {:<10} active",
        "kid", "alg", "types", "from", "until"
    );
    for c in store.signers()? {
        let types: String = c.allowed_types().iter().map(|t| t.code()).collect();
        let alg = match c.public_key.kind {
            hcert::KeyKind::EcP256 => "ES256".to_string(),
            hcert::KeyKind::Rsa { bits } | hcert::KeyKind::RsaPss { bits } => {
                format!("PS256/{bits}")
            }
            ref k => k.to_string(),
        };
        let _ = writeln!(
            s,
            "{:<14} {:<6} {:<9} {:<10} {:<10} {}",
            c.kid_base64(),
            alg,
            types,
            c.not_before.date_utc(),
            c.not_after.date_utc(),
            if c.kid_base64() == store.manifest.active {
                "*"
            } else {
                ""
            }
        );
    }
    Ok(s)
}
