//! Live download progress in the browser: an `EventSource` on one of the server-sent-events
//! routes, and a 2-second poll in its place when the browser cannot open or keep the stream.
//! Nothing here panics: a browser failure only means the page falls back to polling.

use std::{cell::RefCell, collections::HashMap, rc::Rc, time::Duration};

use leptos::prelude::{set_interval_with_handle, IntervalHandle};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{EventSource, MessageEvent};

/// How often the page reloads its list when no stream is open.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// What the page does with the stream.
#[derive(Clone)]
pub struct Handlers {
    /// One job's row changed; the argument is the row's JSON.
    pub on_job: Rc<dyn Fn(String)>,
    /// The page may have missed changes (stream (re)opened, events lagged, or polling): reload.
    pub on_stale: Rc<dyn Fn()>,
}

/// One watch: the stream (while open), its listeners, and the poll timer after a fallback.
struct Watch {
    source: Option<EventSource>,
    // Kept alive as long as the source may call them.
    _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    poll: Option<IntervalHandle>,
}

thread_local! {
    static WATCHES: RefCell<HashMap<u32, Watch>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u32> = const { RefCell::new(0) };
}

/// Starts watching the SSE route `url`; the id is for [`stop`].
pub fn watch(url: &str, handlers: Handlers) -> u32 {
    let id = NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    let (watch, polling) = match open(url, id, &handlers) {
        Ok(watch) => (watch, false),
        Err(_) => {
            let poll = start_polling(handlers.on_stale.clone());
            (Watch { source: None, _listeners: Vec::new(), poll }, true)
        }
    };
    WATCHES.with(|w| w.borrow_mut().insert(id, watch));
    // Outside the borrow: the page's reload may start or stop other watches.
    if polling {
        (handlers.on_stale)();
    }
    id
}

/// Closes the stream or stops the poll of watch `id` (unknown ids are ignored).
pub fn stop(id: u32) {
    let watch = WATCHES.with(|w| w.borrow_mut().remove(&id));
    if let Some(watch) = watch {
        if let Some(source) = &watch.source {
            source.close();
        }
        if let Some(poll) = watch.poll {
            poll.clear();
        }
    }
}

fn open(url: &str, id: u32, handlers: &Handlers) -> Result<Watch, JsValue> {
    let source = EventSource::new(url)?;
    let on_job = handlers.on_job.clone();
    let job = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(text) = event.data().as_string() {
            on_job(text);
        }
    });
    let stale = handlers.on_stale.clone();
    let resync = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| stale());
    let stale = handlers.on_stale.clone();
    let failed = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        fall_back(id, stale.clone());
    });

    source.add_event_listener_with_callback("job", job.as_ref().unchecked_ref())?;
    // Changes made between the page render and the stream opening would be lost otherwise.
    source.add_event_listener_with_callback("open", resync.as_ref().unchecked_ref())?;
    source.add_event_listener_with_callback("lagged", resync.as_ref().unchecked_ref())?;
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    Ok(Watch { source: Some(source), _listeners: vec![job, resync, failed], poll: None })
}

/// An error with the stream still `CONNECTING` is a reconnect the browser handles; `CLOSED`
/// means it gave up (for example a 403 or a proxy that buffers), so poll from now on.
fn fall_back(id: u32, on_stale: Rc<dyn Fn()>) {
    let started = WATCHES.with(|w| {
        let mut watches = w.borrow_mut();
        let Some(watch) = watches.get_mut(&id) else { return false };
        let closed = watch.source.as_ref().is_none_or(|s| s.ready_state() == EventSource::CLOSED);
        if !closed || watch.poll.is_some() {
            return false;
        }
        if let Some(source) = watch.source.take() {
            source.close();
        }
        watch.poll = start_polling(on_stale.clone());
        true
    });
    if started {
        on_stale();
    }
}

fn start_polling(on_stale: Rc<dyn Fn()>) -> Option<IntervalHandle> {
    set_interval_with_handle(move || on_stale(), POLL_EVERY).ok()
}
