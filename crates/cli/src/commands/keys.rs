//! `vaxpass keys init|add-signer|activate|list`.

use std::process::ExitCode;

use anyhow::Result;
use vaxpass_keystore::{list_text, KeyOptions, KeyStore};

use crate::cli::{AlgArg, KeyArgs, KeysCommand, TypeArg};
use crate::commands::common::{print_json, time_or_now};

fn options(k: &KeyArgs) -> Result<KeyOptions> {
    Ok(KeyOptions {
        alg: match k.alg {
            AlgArg::Es256 => hcert::Algorithm::Es256,
            AlgArg::Ps256 => hcert::Algorithm::Ps256,
        },
        rsa_bits: k.rsa_bits,
        types: k
            .types
            .iter()
            .map(|t| match t {
                TypeArg::V => hcert::CertificateType::Vaccination,
                TypeArg::T => hcert::CertificateType::Test,
                TypeArg::R => hcert::CertificateType::Recovery,
            })
            .collect(),
        valid_from: time_or_now("--valid-from", k.valid_from.as_deref())?,
        valid_days: k.valid_days,
        organization: k.organization.clone(),
    })
}

pub(crate) fn run(cmd: KeysCommand) -> Result<ExitCode> {
    match cmd {
        KeysCommand::Init(a) => {
            let store = KeyStore::init(&a.dir, &a.country, &options(&a.key)?)?;
            println!("created key store {}", a.dir.display());
            print!("{}", list_text(&store)?);
        }
        KeysCommand::AddSigner(a) => {
            let mut store = KeyStore::open(&a.dir)?;
            let kid = store.add_signer(&options(&a.key)?)?;
            if a.activate {
                store.activate(&kid)?;
            }
            println!("added document signer {kid}");
            print!("{}", list_text(&store)?);
        }
        KeysCommand::Activate(a) => {
            let mut store = KeyStore::open(&a.dir)?;
            store.activate(&a.kid)?;
            print!("{}", list_text(&store)?);
        }
        KeysCommand::List(a) => {
            let store = KeyStore::open(&a.dir)?;
            if a.json {
                let signers: Vec<_> = store
                    .signers()?
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "kid": c.kid_base64(),
                            "key": c.public_key.kind.to_string(),
                            "types": c.allowed_types().iter().map(|t| t.code()).collect::<Vec<_>>(),
                            "not_before": c.not_before.rfc3339(),
                            "not_after": c.not_after.rfc3339(),
                            "subject": c.subject.text,
                            "active": c.kid_base64() == store.manifest.active,
                        })
                    })
                    .collect();
                print_json(
                    &serde_json::json!({"country": store.manifest.country, "signers": signers}),
                );
            } else {
                print!("{}", list_text(&store)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
