//! The network and the offline copy: downloading the signed lists (`fetch`), keeping them in
//! the Cache API, and loading them by the policy of [`crate::lists`]. Requests carry no
//! credentials and never certificate data: they name only the published files.

use std::rc::Rc;

use leptos::prelude::window;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser::dom::{js_err, now, storage};
use crate::browser::webcrypto;
use crate::lists::{self, ListState};
use crate::{api_url, API_BASE};

const SEQUENCE_KEY: &str = "vaxpass.lists.sequence";
/// Local-storage key naming the cache that holds the saved copy in use.
const COPY_KEY: &str = "vaxpass.lists.copy";

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let resp = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(js_err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(js_err)?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn open_named(name: &str) -> Result<web_sys::Cache, String> {
    let caches = window().caches().map_err(js_err)?;
    let cache = JsFuture::from(caches.open(name)).await.map_err(js_err)?;
    cache.dyn_into().map_err(js_err)
}

/// The saved copy in use, if there is one.
async fn current_copy() -> Option<web_sys::Cache> {
    let name = storage()?.get_item(COPY_KEY).ok()??;
    let caches = window().caches().ok()?;
    let has = JsFuture::from(caches.has(&name)).await.ok()?;
    if has.as_bool() != Some(true) {
        return None;
    }
    open_named(&name).await.ok()
}

/// Names of every cache of this origin.
async fn cache_names() -> Vec<String> {
    let Ok(caches) = window().caches() else {
        return Vec::new();
    };
    let Ok(keys) = JsFuture::from(caches.keys()).await else {
        return Vec::new();
    };
    js_sys::Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

async fn cached_bytes(cache: &web_sys::Cache, url: &str) -> Option<Vec<u8>> {
    let found = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    let resp: web_sys::Response = found.dyn_into().ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn cache_put(cache: &web_sys::Cache, url: &str, bytes: &[u8]) -> Result<(), String> {
    // Copied straight into a JavaScript array: a 70 MB revocation filter is not copied
    // inside the WebAssembly memory first.
    let body = js_sys::Uint8Array::from(bytes);
    let resp = web_sys::Response::new_with_opt_buffer_source(Some(&body)).map_err(js_err)?;
    JsFuture::from(cache.put_with_str(url, &resp))
        .await
        .map_err(js_err)?;
    Ok(())
}

/// Downloads the index and the signed files, then the revocation slices the manifest names.
/// Slices are named after their content and never change: one already saved is not
/// downloaded again, so a daily update costs only its new delta.
async fn download(cache: Option<&web_sys::Cache>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for path in lists::list_paths() {
        let bytes = fetch_bytes(&api_url(API_BASE, &path)).await?;
        out.push((path, bytes));
    }
    for path in lists::slice_paths(&out) {
        let url = api_url(API_BASE, &path);
        let saved = match cache {
            Some(c) => cached_bytes(c, &url).await,
            None => None,
        };
        let bytes = match saved {
            Some(b) => b,
            None => fetch_bytes(&url).await?,
        };
        out.push((path, bytes));
    }
    Ok(out)
}

/// The saved copy's files.
async fn saved_files(cache: &web_sys::Cache) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for path in lists::list_paths() {
        if let Some(b) = cached_bytes(cache, &api_url(API_BASE, &path)).await {
            files.push((path, b));
        }
    }
    for path in lists::slice_paths(&files) {
        if let Some(b) = cached_bytes(cache, &api_url(API_BASE, &path)).await {
            files.push((path, b));
        }
    }
    files
}

/// Saves a checked bundle for offline use: written whole into a new cache, then switched to
/// (one local-storage write), then the older copies are deleted. An interruption at any point
/// leaves the previous copy whole and in use.
async fn save(bundle: &hcert::Bundle, sequence: u64) {
    let name = lists::copy_name(sequence, now());
    let Ok(caches) = window().caches() else {
        return;
    };
    let Ok(cache) = open_named(&name).await else {
        return;
    };
    for (path, bytes) in lists::bundle_files(bundle) {
        if cache_put(&cache, &api_url(API_BASE, &path), bytes)
            .await
            .is_err()
        {
            // Out of quota, say: the previous copy stays in use.
            let _ = JsFuture::from(caches.delete(&name)).await;
            return;
        }
    }
    let switched = storage().is_some_and(|s| s.set_item(COPY_KEY, &name).is_ok());
    let drop = if switched {
        lists::stale_copies(&cache_names().await, &name)
    } else {
        vec![name]
    };
    for old in drop {
        let _ = JsFuture::from(caches.delete(&old)).await;
    }
}

fn last_sequence() -> Option<u64> {
    storage()?.get_item(SEQUENCE_KEY).ok()??.parse().ok()
}

/// Checks a bundle against the pinned anchor. The list signatures are checked by WebCrypto
/// first (no P-256 arithmetic ships in the portal); `hcert` then checks everything else,
/// accepting exactly the signatures WebCrypto confirmed.
async fn check(bundle: &hcert::Bundle, spki: &[u8]) -> hcert::Result<hcert::Lists> {
    let mut confirmed = Vec::new();
    for (message, signature) in lists::signed_statements(bundle) {
        if webcrypto::verify_es256(spki, &message, &signature).await {
            confirmed.push((message, signature));
        }
    }
    let anchor = crate::pinned_anchor(Box::new(lists::Confirmed(confirmed))).ok_or(
        hcert::Error::TrustListInvalid {
            kind: hcert::TrustListErrorKind::AnchorInvalid,
            reason: "the pinned trust anchor is unusable".into(),
        },
    )?;
    // Certificate signatures are answered through WebCrypto per scan (`webcrypto`) and
    // injected into the verdict; the store's backend does no arithmetic of its own.
    hcert::load_lists(
        bundle,
        &anchor,
        now(),
        last_sequence(),
        hcert::default_backend(),
    )
}

/// Loads the lists: the network first (checked, then saved for offline use), the saved copy
/// when the network fails or serves something that does not check out.
pub async fn load_lists() -> ListState {
    let Some(spki) = crate::ANCHOR.map(|a| a.spki) else {
        return ListState::NoAnchor;
    };
    let cache = current_copy().await;
    let mut first_error = None;
    for _ in 0..lists::NETWORK_TRIES {
        let Ok(files) = download(cache.as_ref()).await else {
            break;
        };
        let Some(bundle) = lists::bundle_from(files) else {
            break;
        };
        match check(&bundle, spki).await {
            Ok(l) => {
                if let Some(s) = storage() {
                    let _ = s.set_item(SEQUENCE_KEY, &l.sequence.to_string());
                }
                let sequence = l.sequence;
                save(&bundle, sequence).await;
                return ListState::Ready {
                    lists: Rc::new(l),
                    offline: false,
                    fetched_at: now(),
                    refused: None,
                };
            }
            Err(e) => {
                let again = lists::retry_after(&e);
                first_error.get_or_insert(e);
                if !again {
                    break;
                }
            }
        }
    }
    if let Some(cache) = &cache {
        if let Some(bundle) = lists::bundle_from(saved_files(cache).await) {
            match check(&bundle, spki).await {
                Ok(l) => {
                    return ListState::Ready {
                        lists: Rc::new(l),
                        offline: true,
                        fetched_at: now(),
                        refused: first_error,
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    lists::failure(first_error, now())
}
