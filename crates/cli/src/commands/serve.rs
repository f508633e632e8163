//! `vaxpass serve --trust-lists DIR --app DIR`: the HTTP server of `vaxpass-server`.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ServeArgs;

pub(crate) fn run(a: &ServeArgs) -> Result<ExitCode> {
    let state = std::sync::Arc::new(vaxpass_server::AppState::load(
        &a.trust_lists,
        &a.app,
        !a.no_access_log,
    )?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(vaxpass_server::run(state, a.addr))?;
    Ok(ExitCode::SUCCESS)
}
