//! The page's side of the service worker: registration after hydration, telling it whose audio
//! cache to serve, noticing a waiting update and applying it when the user asks (never while a
//! track plays), and the install prompt.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{prelude::*, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration};

use crate::{components::offline_state::OfflineCtx, model::UserId};

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// The deferred `beforeinstallprompt` event, until the user clicks "Install".
    static INSTALL_EVENT: RefCell<Option<web_sys::Event>> = const { RefCell::new(None) };
    /// The last user told to the worker, repeated when a new worker takes over.
    static USER: RefCell<Option<UserId>> = const { RefCell::new(None) };
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

fn message(kind: &str, user: Option<Option<UserId>>) -> JsValue {
    let text = match user {
        Some(Some(id)) => format!(r#"{{"type":"{kind}","user":{id}}}"#),
        Some(None) => format!(r#"{{"type":"{kind}","user":null}}"#),
        None => format!(r#"{{"type":"{kind}"}}"#),
    };
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// Posts to the controlling worker and to the active one (they differ on the first visit).
fn post(msg: &JsValue) {
    let Some(container) = container() else { return };
    let mut sent_to: Option<ServiceWorker> = None;
    if let Some(controller) = container.controller() {
        let _ = controller.post_message(msg);
        sent_to = Some(controller);
    }
    let active = REGISTRATION.with_borrow(|r| r.as_ref().and_then(|r| r.active()));
    if let Some(active) = active {
        if sent_to.as_ref().map(|s| s.script_url()) != Some(active.script_url())
            || sent_to.is_none()
        {
            let _ = active.post_message(msg);
        }
    }
}

pub fn tell_user(user: Option<UserId>) {
    USER.with_borrow_mut(|u| *u = user);
    post(&message("SET_USER", Some(user)));
}

/// The audio cache changed: the worker re-reads which tracks it holds.
pub fn audio_changed() {
    post(&message("AUDIO_CHANGED", None));
}

/// Some plays could not be sent: the worker asks the browser for a Background Sync, which
/// sends them when the network is back even if no page is open (where the browser has it).
pub fn plays_waiting() {
    post(&message("PLAYS_WAITING", None));
}

/// Registers /sw.js and watches for updates. Called once, after hydration.
pub fn register(ctx: OfflineCtx) {
    let Some(container) = container() else { return };
    let promise = container.register("/sw.js");
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(promise).await else { return };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        REGISTRATION.with_borrow_mut(|r| *r = Some(registration.clone()));
        // The worker may have started before it knew the user.
        tell_user(USER.with_borrow(|u| *u));
        audio_changed();
        watch_updates(ctx, &registration);
    });
    let on_controller = Closure::<dyn FnMut()>::new(move || {
        tell_user(USER.with_borrow(|u| *u));
        if ctx.update_requested.get_untracked() {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    let _ = container.add_event_listener_with_callback(
        "controllerchange",
        on_controller.as_ref().unchecked_ref(),
    );
    on_controller.forget();
}

fn watch_updates(ctx: OfflineCtx, registration: &ServiceWorkerRegistration) {
    let has_controller = || container().and_then(|c| c.controller()).is_some();
    if registration.waiting().is_some() && has_controller() {
        ctx.update_ready.set(true);
    }
    let reg = registration.clone();
    let on_found = Closure::<dyn FnMut()>::new(move || {
        let Some(installing) = reg.installing() else { return };
        let worker = installing.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            let installed = worker.state() == web_sys::ServiceWorkerState::Installed;
            if installed && container().and_then(|c| c.controller()).is_some() {
                ctx.update_ready.set(true);
            }
        });
        let _ = installing
            .add_event_listener_with_callback("statechange", on_state.as_ref().unchecked_ref());
        on_state.forget();
    });
    let _ = registration
        .add_event_listener_with_callback("updatefound", on_found.as_ref().unchecked_ref());
    on_found.forget();
    // Long-lived pages (an installed app) look for a new build when they come back to view.
    let reg = registration.clone();
    let on_visible = Closure::<dyn FnMut()>::new(move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            let _ = reg.update();
        }
    });
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
    }
    on_visible.forget();
}

/// Activates the waiting worker; the page reloads when it takes control (the controller
/// listener checks `update_requested`, which the click set).
pub fn apply_update(_ctx: OfflineCtx) {
    let waiting = REGISTRATION.with_borrow(|r| r.as_ref().and_then(|r| r.waiting()));
    if let Some(waiting) = waiting {
        let _ = waiting.post_message(&message("SKIP_WAITING", None));
    }
}

/// Keeps the browser's install prompt for our own "Install" button.
pub fn watch_install(ctx: OfflineCtx) {
    let Some(window) = web_sys::window() else { return };
    let on_prompt = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        INSTALL_EVENT.with_borrow_mut(|e| *e = Some(event));
        ctx.can_install.set(true);
    });
    let _ = window.add_event_listener_with_callback(
        "beforeinstallprompt",
        on_prompt.as_ref().unchecked_ref(),
    );
    on_prompt.forget();
    let on_installed = Closure::<dyn FnMut()>::new(move || ctx.can_install.set(false));
    let _ = window
        .add_event_listener_with_callback("appinstalled", on_installed.as_ref().unchecked_ref());
    on_installed.forget();
}

/// Shows the browser's install dialog (only from a click).
pub fn prompt_install(ctx: OfflineCtx) {
    let Some(event) = INSTALL_EVENT.with_borrow_mut(Option::take) else { return };
    let prompt = js_sys::Reflect::get(&event, &JsValue::from_str("prompt"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(prompt) = prompt {
        let _ = prompt.call0(&event);
    }
    ctx.can_install.set(false);
}

/// True on iPhone and iPad Safari outside an installed app: there is no install prompt, so
/// the page explains "Add to Home Screen".
pub fn needs_ios_hint() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let agent = window.navigator().user_agent().unwrap_or_default();
    let ios = agent.contains("iPhone") || agent.contains("iPad");
    let standalone = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    ios && !standalone
}
