//! The trust-list banner.

use hcert::UnixTime;
use leptos::prelude::*;

use crate::browser::now;
use crate::i18n::{self, Key, Lang};
use crate::lists::ListState;

#[component]
/// The trust-list status line: loading, ready (age, signers, revocations), offline, expired
/// or failed.
pub fn ListBanner(
    /// The display language.
    lang: RwSignal<Lang>,
    /// The lists' state.
    state: RwSignal<ListState, LocalStorage>,
) -> impl IntoView {
    move || {
        let l = lang.get();
        match state.get() {
            ListState::Loading => view! {
                <p id="lists-status" class="banner" data-state="loading" role="status">
                    {i18n::text(l, Key::TrustListLoading)}
                </p>
            }
            .into_any(),
            ListState::Ready { lists, offline, .. } => {
                let text = i18n::fill(
                    i18n::text(l, Key::TrustListReady),
                    &[
                        &i18n::date(l, lists.issued),
                        &lists.signers.to_string(),
                        &i18n::date(l, lists.expires),
                    ],
                );
                let age = i18n::age(l, now().0 - lists.issued.0);
                let revocation = i18n::fill(
                    i18n::text(l, Key::RevocationStatus),
                    &[&lists.revoked.to_string(), &age],
                );
                view! {
                    <p id="lists-status" class="banner ok" data-state=if offline { "offline" } else { "ready" }
                        data-sequence=lists.sequence.to_string() data-revoked=lists.revoked.to_string() role="status">
                        {text}
                        <span id="revocation-status">" · "{revocation}</span>
                        {offline.then(|| view! {
                            <span class="offline">" · "{i18n::fill(i18n::text(l, Key::TrustListOffline), &[&age])}</span>
                        })}
                    </p>
                }
                .into_any()
            }
            ListState::Failed { error: e, .. } => {
                let expired = matches!(
                    e,
                    hcert::Error::TrustListInvalid {
                        kind: hcert::TrustListErrorKind::Expired,
                        ..
                    }
                );
                let msg = if expired {
                    let when = match &e {
                        hcert::Error::TrustListInvalid { reason, .. } => reason
                            .rsplit(' ')
                            .next()
                            .and_then(UnixTime::parse_rfc3339)
                            .map(|t| i18n::date(l, t))
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    i18n::fill(i18n::text(l, Key::TrustListExpired), &[&when])
                } else {
                    i18n::fill(
                        i18n::text(l, Key::TrustListMissing),
                        &[&i18n::reason(l, &e)],
                    )
                };
                view! {
                    <p id="lists-status" class="banner error" role="alert"
                        data-state=if expired { "expired" } else { "failed" } data-code=e.code()>{msg}</p>
                }
                .into_any()
            }
            ListState::NoAnchor => view! {
                <p id="lists-status" class="banner error" role="alert" data-state="no-anchor">
                    {i18n::text(l, Key::NoAnchor)}
                </p>
            }
            .into_any(),
        }
    }
}
