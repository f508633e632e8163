//! The result screen, rendered from [`ResultView`] (built natively tested in `answer`).

use leptos::prelude::*;

use crate::answer::ResultView;

#[component]
/// The answer, the holder's data and every check.
pub fn ResultScreen(
    /// What to show.
    view: ResultView,
    /// The verification's sequence number (a new answer is a new element).
    n: u64,
) -> impl IntoView {
    let ResultView {
        answer,
        headline,
        hint,
        reason,
        reason_code,
        fields,
        checks,
        audit,
    } = view;
    let is_audit = audit.is_some().to_string();
    let audit_hidden = audit.is_none();
    let lang_checks = checks
        .into_iter()
        .map(|c| {
            view! {
                <li class=format!("check {}", c.state) data-check=c.code data-state=c.state>
                    <span class="mark" aria-hidden="true">{match c.state { "passed" => "✓", "failed" => "✗", "not_covered" => "○", "warning" => "!", _ => "–" }}</span>
                    <span class="title">{c.title}</span>
                    <span class="outcome">{c.outcome}</span>
                    {c.detail.map(|d| view! { <span class="detail">{d}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <div id="answer" tabindex="-1" class=format!("answer {}", answer.code()) data-answer=answer.code()
            data-n=n.to_string() data-audit=is_audit role="alert">
            <p id="audit-verdict" class="audit-mark" hidden=audit_hidden>{audit.unwrap_or_default()}</p>
            <p id="headline" class="headline">{headline}</p>
            {reason.map(|r| view! { <p id="reason" class="reason" data-code=reason_code.unwrap_or("")>{r}</p> })}
            <p class="hint">{hint}</p>
        </div>
        <dl id="fields" class="fields">
            {fields.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        <ul id="checks" class="checks">{lang_checks}</ul>
    }
}
