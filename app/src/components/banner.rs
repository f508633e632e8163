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
            ListState::Ready {
                lists,
                offline,
                refused,
                ..
            } => {
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
                let at = now();
                // Notes after the status, one element shape for all (each distinct view shape
                // costs the first load its own code): (id, class, text, code).
                let mut notes: Vec<(&'static str, &'static str, String, &'static str)> = Vec::new();
                // Past the planned update: still usable, but a newer publication should exist.
                if let Some(t) = lists.next_update.filter(|_| lists.stale(at)) {
                    let text = i18n::fill(
                        i18n::text(l, Key::TrustListStale),
                        &[&i18n::date_time(l, t)],
                    );
                    notes.push(("lists-stale", "stale", text, ""));
                }
                // Past the revocation data's expiry: verdicts on certificates it covers cannot
                // be valid (hcert says so per verdict); the banner says why up front.
                if let Some(t) = lists
                    .revocation_expires
                    .filter(|_| lists.revocation_expired(at))
                {
                    let text = i18n::fill(
                        i18n::text(l, Key::RevocationExpired),
                        &[&i18n::date_time(l, t)],
                    );
                    notes.push(("revocation-expired", "stale", text, ""));
                }
                // The network copy was refused (a rollback, say) and the saved one stands in.
                if let Some(e) = &refused {
                    notes.push(("lists-refused", "stale", i18n::reason(l, e), e.code()));
                }
                if offline {
                    let text = i18n::fill(i18n::text(l, Key::TrustListOffline), &[&age]);
                    notes.push(("lists-offline", "offline", text, ""));
                }
                let is_stale = notes.iter().any(|n| n.0 == "lists-stale").to_string();
                view! {
                    <p id="lists-status" class="banner ok" data-state=if offline { "offline" } else { "ready" }
                        data-sequence=lists.sequence.to_string() data-revoked=lists.revoked.to_string()
                        data-stale=is_stale role="status">
                        {text}
                        <span id="revocation-status">" · "{revocation}</span>
                        {notes.into_iter().map(|(id, class, text, code)| view! {
                            <span id=id class=class data-code=code>" · "{text}</span>
                        }).collect_view()}
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
