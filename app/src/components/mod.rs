//! The portal's Leptos views. Each event is handed to `browser` (to read a file, open the
//! camera, fetch the lists) or to the pure modules (`portal`, `answer`) that decide; the
//! views only show the result.

pub mod acceptance;
pub mod banner;
pub mod drop_zone;
pub mod result;

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::answer;
use crate::browser::{self, camera, net, picture, scanner, webcrypto, FileBlob};
use crate::i18n::{self, Key, Lang};
use crate::lists::{self, ListState};
use crate::portal::{self, Blocked, Verification};
use acceptance::DestinationChooser;
use banner::ListBanner;
use drop_zone::DropZone;
use result::ResultScreen;

/// What the result screen shows: a verification and its sequence number.
#[derive(Clone)]
struct Shown {
    /// Counts verifications, so that each answer is a new element (and tests can tell).
    n: u64,
    verification: Rc<Verification>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Home,
    Camera,
    Result,
}

/// How often the lists are checked for a due refresh (`lists::refresh_due` decides).
const REFRESH_TICK: Duration = Duration::from_secs(60);
/// Camera frames offered to the scanner (one at a time: a busy scanner skips frames).
const FRAME_INTERVAL: Duration = Duration::from_millis(80);

/// Mounts the portal on the page's body.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// The portal.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(browser::preferred_lang());
    let list_state = RwSignal::new_local(ListState::Loading);
    let mode = RwSignal::new(Mode::Home);
    let shown = RwSignal::new_local(None::<Shown>);
    let paste = RwSignal::new(String::new());
    let picture_busy = RwSignal::new(false);
    let picture_error = RwSignal::new_local(None::<hcert::Error>);
    let camera_error = RwSignal::new(None::<Key>);
    let torch_available = RwSignal::new(false);
    let torch_on = RwSignal::new(false);
    let devices = RwSignal::new(Vec::<String>::new());
    let device_idx = RwSignal::new(0usize);
    let cam = StoredValue::new_local(None::<camera::Camera>);
    let video_ref = NodeRef::<leptos::html::Video>::new();
    let audit = StoredValue::new(crate::audit_time(&browser::search()));
    let destination = RwSignal::new(browser::saved_destination());
    let accept_date = RwSignal::new(String::new());
    let accept_html = RwSignal::new(String::new());
    let options_html = RwSignal::new(String::new());
    let travel_date = RwSignal::new(String::new());
    let travel_html = RwSignal::new(String::new());
    let travel_busy = RwSignal::new(false);
    let on_destination = Callback::new(move |d: Option<String>| {
        browser::save_destination(d.as_deref());
        destination.set(d);
    });
    // The destination chooser's options, from the worker once the lists are in (this also
    // loads the rules engine there, after first paint).
    Effect::new(move |_| {
        let l = lang.get();
        let selected = destination.get().unwrap_or_default();
        let Some(lists) = list_state.with(|s| s.lists().cloned()) else {
            return;
        };
        spawn_local(async move {
            let fields = [("lang", l.code().into()), ("selected", selected.into())];
            if let Some(h) = scanner::ask("destinations", &fields, &lists).await {
                options_html.set(h);
            }
        });
    });
    // The acceptance moment: the audit time, else the chosen date (at noon UTC), else now.
    let accept_at = move |picked: &str| -> hcert::UnixTime {
        if let Some(Ok(t)) = audit.get_value() {
            return t;
        }
        hcert::UnixTime::parse_rfc3339(&format!("{picked}T12:00:00Z")).unwrap_or_else(browser::now)
    };
    let valid_shown = move || {
        shown.with_untracked(|s| {
            s.as_ref().is_some_and(|s| {
                s.verification.blocked.is_none() && s.verification.verdict.is_valid()
            })
        })
    };
    // Asks the worker's engine about the certificate on screen (never the network): markup
    // for `countries` (comma-separated; empty: every country, with until when).
    let assess = move |countries: String, at: hcert::UnixTime| async move {
        let cert = shown.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| crate::acceptance::Certificate::of(&s.verification.verdict))
        })?;
        let lists = list_state.with_untracked(|s| s.lists().cloned())?;
        let until = countries.is_empty();
        let secs = |t: Option<i64>| t.map_or(JsValue::UNDEFINED, |t| (t as f64).into());
        let fields = [
            ("payload", cert.payload.into()),
            ("iss", cert.issuer.into()),
            ("exp", secs(cert.exp)),
            ("iat", secs(cert.iat)),
            ("kid", cert.kid.into()),
            ("countries", countries.into()),
            ("region", "".into()),
            ("at", (at.0 as f64).into()),
            ("published", (lists.issued.0 as f64).into()),
            ("lang", lang.get_untracked().code().into()),
            ("until", until.into()),
        ];
        scanner::ask("assess", &fields, &lists).await
    };
    let show_acceptance = move || {
        let Some(dest) = destination.get_untracked() else {
            accept_html.set(String::new());
            return;
        };
        let a = |k| i18n::accept_text(lang.get_untracked(), k);
        if !valid_shown() {
            let line = crate::acceptance::html::status_line;
            accept_html.set(line("NOT_ASSESSED", "", a(i18n::AcceptKey::NotAssessed)));
            return;
        }
        let line = crate::acceptance::html::status_line;
        accept_html.set(line("PENDING", "", a(i18n::AcceptKey::Assessing)));
        let at = accept_at(&accept_date.get_untracked());
        spawn_local(async move {
            let unreadable = line(
                "CANNOT_ASSESS",
                "RULES_UNREADABLE",
                i18n::accept_text(lang.get_untracked(), i18n::AcceptKey::RulesUnreadable),
            );
            accept_html.set(assess(dest, at).await.unwrap_or(unreadable));
        });
    };
    let show_travel = move || {
        travel_busy.set(true);
        let at = accept_at(&travel_date.get_untracked());
        spawn_local(async move {
            let h = assess(String::new(), at).await.unwrap_or_default();
            travel_busy.set(false);
            travel_html.set(h);
        });
    };
    // A new language: the answers on screen are asked again in it.
    Effect::new(move |prev: Option<Lang>| {
        let l = lang.get();
        if prev.is_some_and(|p| p != l) {
            if !accept_html.get_untracked().is_empty() {
                show_acceptance();
            }
            if !travel_html.get_untracked().is_empty() {
                show_travel();
            }
        }
        l
    });

    Effect::new(move |_| {
        let l = lang.get();
        browser::set_document_lang(l, i18n::text(l, Key::AppName));
    });

    let reload_lists = move || {
        spawn_local(async move {
            list_state.set(net::load_lists().await);
        });
    };
    reload_lists();
    // Start the scanner worker once the page is up, so that scanning makes no request.
    set_timeout(
        || {
            let _ = scanner::scanner();
        },
        Duration::from_millis(300),
    );
    let _ = set_interval_with_handle(
        move || {
            if list_state.with_untracked(|s| lists::refresh_due(s, browser::now())) {
                reload_lists();
            }
        },
        REFRESH_TICK,
    );
    window_event_listener_untyped("online", move |_| reload_lists());

    // Verifying: computation only (WebCrypto answers, then hcert), no request.
    let verify_text = move |text: String| {
        let state = list_state.get_untracked();
        spawn_local(async move {
            let prepared = portal::prepare(text, &state);
            let answers = webcrypto::answer(&prepared.checks).await;
            let audit = audit.get_value();
            let v = portal::verify(prepared, &state, audit.as_ref(), browser::now(), &answers);
            let n = shown.with_untracked(|s| s.as_ref().map_or(0, |s| s.n)) + 1;
            shown.set(Some(Shown {
                n,
                verification: Rc::new(v),
            }));
            travel_html.set(String::new());
            mode.set(Mode::Result);
            show_acceptance();
            // Leave the answer in view and focus it for keyboard and screen-reader users.
            browser::focus_later("answer");
        });
    };

    let stop_camera = move || {
        if let Some(mut c) = cam.try_update_value(Option::take).flatten() {
            if let Some(h) = c.interval.take() {
                h.clear();
            }
            camera::stop_tracks(&c.stream);
        }
        torch_on.set(false);
        torch_available.set(false);
        if let Some(v) = video_ref.get_untracked() {
            camera::play(&v, None);
        }
    };

    let start_camera = move |device: Option<String>| {
        stop_camera();
        camera_error.set(None);
        shown.set(None);
        mode.set(Mode::Camera);
        spawn_local(async move {
            let stream = match camera::open_camera(device).await {
                Ok(s) => s,
                Err(e) => {
                    camera_error.set(Some(if camera::error_name(&e) == "NotAllowedError" {
                        Key::CameraDenied
                    } else {
                        Key::CameraUnavailable
                    }));
                    return;
                }
            };
            if mode.get_untracked() != Mode::Camera {
                camera::stop_tracks(&stream);
                return;
            }
            devices.set(camera::video_devices().await);
            if let Some(track) = camera::video_track(&stream) {
                torch_available.set(camera::torch_supported(&track));
            }
            let Some(video) = video_ref.get_untracked() else {
                camera::stop_tracks(&stream);
                return;
            };
            camera::play(&video, Some(&stream));
            cam.set_value(Some(camera::Camera::new(stream)));
            let tick = move || {
                let grabbed = cam
                    .try_update_value(|c| c.as_mut().and_then(|c| camera::grab_frame(c, &video)))
                    .flatten();
                let Some((buffer, w, h, n)) = grabbed else {
                    return;
                };
                spawn_local(async move {
                    let reply = scanner::scan("frame", buffer, w, h, n).await;
                    let active = cam
                        .try_update_value(|c| c.as_mut().map(|c| c.in_flight = false))
                        .flatten()
                        .is_some();
                    if let (true, Some(text)) = (active, reply.text) {
                        stop_camera();
                        verify_text(text);
                    }
                });
            };
            if let Ok(h) = set_interval_with_handle(tick, FRAME_INTERVAL) {
                let kept = cam
                    .try_update_value(|c| c.as_mut().map(|c| c.interval = Some(h)))
                    .flatten()
                    .is_some();
                if !kept {
                    h.clear();
                }
            }
        });
    };

    let on_file = move |file: FileBlob| {
        picture_busy.set(true);
        picture_error.set(None);
        spawn_local(async move {
            let r = picture::read_picture(file).await;
            picture_busy.set(false);
            match r {
                Ok(text) => verify_text(text),
                Err(e) => picture_error.set(Some(e)),
            }
        });
    };

    let start_cam_click = move |_| start_camera(None);
    let stop_cam_click = move |_| {
        stop_camera();
        mode.set(Mode::Home);
    };
    let switch_click = move |_| {
        let list = devices.get_untracked();
        if list.len() > 1 {
            let next = (device_idx.get_untracked() + 1) % list.len();
            device_idx.set(next);
            start_camera(list.get(next).cloned());
        }
    };
    let torch_click = move |_| {
        let on = !torch_on.get_untracked();
        let track = cam
            .try_with_value(|c| c.as_ref().and_then(|c| camera::video_track(&c.stream)))
            .flatten();
        if let Some(track) = track {
            camera::set_torch(&track, on);
            torch_on.set(on);
        }
    };
    let scan_next = move |_| {
        paste.set(String::new());
        start_camera(None)
    };

    let t = move |k: Key| i18n::text(lang.get(), k);

    view! {
        <header class="top">
            <div class="brand">
                <img src="/icon.svg" alt="" width="32" height="32"/>
                <h1>{move || t(Key::AppName)}</h1>
            </div>
            <nav class="langs" aria-label=move || t(Key::Language)>
                {Lang::ALL.into_iter().map(|l| view! {
                    <button
                        id=format!("lang-{}", l.code())
                        class="lang"
                        lang=l.code()
                        aria-pressed=move || (lang.get() == l).to_string()
                        on:click=move |_| {
                            lang.set(l);
                            browser::save_lang(l);
                        }
                    >{l.own_name()}</button>
                }).collect_view()}
            </nav>
        </header>
        <main>
            <ListBanner lang=lang state=list_state/>
            {move || audit.get_value().map(|a| {
                let l = lang.get();
                match a {
                    Ok(at) => view! {
                        <p id="audit" class="banner audit" role="status">
                            {i18n::fill(i18n::text(l, Key::AuditMode), &[&i18n::date_time(l, at)])}
                        </p>
                    }.into_any(),
                    Err(_) => view! {
                        <p id="audit" class="banner error" role="alert">{i18n::text(l, Key::AuditInvalid)}</p>
                    }.into_any(),
                }
            })}
            <section id="result-section" hidden=move || mode.get() != Mode::Result>
                {move || shown.get().map(|s| {
                    let l = lang.get();
                    let v = &s.verification;
                    let blocked = v.blocked.map(|b| match b {
                        Blocked::NoAnchor => i18n::text(l, Key::NoAnchor).to_string(),
                        Blocked::AuditInvalid => i18n::text(l, Key::AuditInvalid).to_string(),
                        Blocked::NoList => match &v.list_error {
                            Some(e) => i18n::reason(l, e),
                            None => i18n::fill(i18n::text(l, Key::TrustListMissing), &[""]),
                        },
                    });
                    let namer = browser::country_namer(l);
                    let sets = list_state.with(|st| st.lists().map(|lists| lists.value_sets.clone()));
                    let audit_at = audit.get_value().and_then(|a| a.ok());
                    let rv = answer::build(&v.verdict, sets.as_ref(), l, blocked, &namer)
                        .with_audit(l, audit_at);
                    view! { <ResultScreen view=rv n=s.n/> }
                })}
                <div inner_html=move || accept_html.get()></div>
                <section id="travel" class="travel" hidden=move || {
                    shown.track();
                    !valid_shown()
                }>
                    <h2>{move || i18n::accept_text(lang.get(), i18n::AcceptKey::TravellerTitle)}</h2>
                    <div class="row">
                        <label for="travel-date">{move || i18n::accept_text(lang.get(), i18n::AcceptKey::DateLabel)}</label>
                        <input id="travel-date" type="date" prop:value=move || travel_date.get()
                            on:change=move |ev| travel_date.set(event_target_value(&ev))/>
                        <button id="where-accepted" on:click=move |_| show_travel() disabled=move || travel_busy.get()>
                            {move || i18n::accept_text(lang.get(), i18n::AcceptKey::TravellerButton)}
                        </button>
                    </div>
                    <div inner_html=move || travel_html.get()></div>
                </section>
                <button id="scan-next" class="primary big" on:click=scan_next>
                    {move || t(Key::ScanNext)}
                </button>
            </section>
            <section id="camera-section" class="camera" hidden=move || mode.get() != Mode::Camera>
                <div class="viewfinder">
                    <video id="video" node_ref=video_ref autoplay=true muted=true playsinline=true></video>
                    <div class="frame" aria-hidden="true"></div>
                </div>
                <p class="hint">{move || t(Key::CameraHint)}</p>
                {move || camera_error.get().map(|k| view! {
                    <p id="camera-error" class="banner error" role="alert">{move || t(k)}</p>
                })}
                <div class="row">
                    <button id="camera-stop" on:click=stop_cam_click>{move || t(Key::StopCamera)}</button>
                    <button id="camera-switch" on:click=switch_click
                        hidden=move || devices.get().len() < 2>{move || t(Key::SwitchCamera)}</button>
                    <button id="torch" on:click=torch_click aria-pressed=move || torch_on.get().to_string()
                        hidden=move || !torch_available.get()>{move || t(Key::Torch)}</button>
                </div>
            </section>
            <section id="inputs" hidden=move || mode.get() == Mode::Camera>
                <p class="tagline">{move || t(Key::Tagline)}</p>
                <DestinationChooser lang=lang date=accept_date options=options_html.into()
                    audit=audit.get_value().is_some() on_change=on_destination/>
                <button id="camera-start" class="primary big" on:click=start_cam_click>
                    {move || t(Key::StartCamera)}
                </button>
                <DropZone lang=lang on_file=on_file busy=picture_busy/>
                {move || picture_error.get().map(|e| view! {
                    <p id="picture-error" class="banner error" role="alert" data-code=e.code()>
                        {i18n::reason(lang.get(), &e)}
                    </p>
                })}
                <form class="paste" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let text = paste.get_untracked();
                    verify_text(text);
                }>
                    <label for="paste">{move || t(Key::PasteLabel)}</label>
                    <textarea id="paste" rows="4" spellcheck="false" autocomplete="off"
                        placeholder=move || t(Key::PastePlaceholder)
                        prop:value=move || paste.get()
                        on:input=move |ev| paste.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && !ev.shift_key() {
                                ev.prevent_default();
                                verify_text(paste.get_untracked());
                            }
                        }
                    ></textarea>
                    <button id="verify" type="submit" class="primary">{move || t(Key::Verify)}</button>
                </form>
            </section>
            <p class="privacy">{move || t(Key::Privacy)}</p>
        </main>
    }
}
