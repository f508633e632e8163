//! A document signer for tests: a fresh ES256 key and its certificate (self-issued, with
//! digitalSignature), written as PEM, and an [`Issuer`] that signs with it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use hcert::{Algorithm, CertificateSpec, Issuer, IssuerRef, NameAttr, UnixTime};

/// Creates a signer named `common_name` (country VN), valid for 700 days from `not_before`,
/// writes its certificate to `dir/dsc.pem` and returns that path with an issuer using it.
pub fn test_signer(
    dir: &Path,
    common_name: &str,
    serial: u8,
    not_before: UnixTime,
) -> Result<(PathBuf, Issuer)> {
    let err = |e: hcert::Error| anyhow!("{e}");
    let f = hcert::default_key_factory();
    let pkcs8 = f.generate_pkcs8(Algorithm::Es256, 2048).map_err(err)?;
    let key = f.load_signing_key(Algorithm::Es256, &pkcs8).map_err(err)?;
    let spki = f.public_key_der(Algorithm::Es256, &pkcs8).map_err(err)?;
    let name = hcert::encode_name(&[
        (NameAttr::Country, "VN"),
        (NameAttr::CommonName, common_name),
    ]);
    let spec = CertificateSpec {
        serial: vec![serial; 8],
        subject: name.clone(),
        not_before,
        not_after: UnixTime(not_before.0 + 700 * 86_400),
        spki_der: spki.clone(),
        ca: None,
        key_usage: hcert::KU_DIGITAL_SIGNATURE,
        types: vec![],
    };
    let der = hcert::build_certificate(
        &spec,
        &IssuerRef {
            name: &name,
            key: key.as_ref(),
            key_id: hcert::key_identifier(&spki),
        },
    )
    .map_err(err)?;
    let pem = dir.join("dsc.pem");
    std::fs::write(&pem, hcert::to_pem(&der))?;
    Ok((pem, Issuer::new(key, hcert::kid_of(&der))))
}
