//! The player bar fixed at the bottom of every page: the one `<audio>` element, now playing,
//! transport, seek, volume, the queue panel toggle and the shortcut help.

use leptos::prelude::*;

use crate::{
    components::{
        icons::Icon,
        player::{use_player, PlayerCtx, Repeat, SHORTCUTS},
        queue::{PlayQueue, QueuePanel},
    },
    model::format_duration,
};

#[component]
pub fn Player() -> impl IntoView {
    let player = use_player();
    let audio = player.audio;
    browser_glue(player);

    view! {
        <QueuePanel />
        <ShortcutHelp />
        <footer class="player" class:idle=move || player.queue.with(PlayQueue::is_empty)>
            <audio
                node_ref=audio
                preload="auto"
                on:timeupdate=move |_| on_time(player)
                on:durationchange=move |_| on_duration(player)
                on:loadedmetadata=move |_| on_duration(player)
                on:play=move |_| player.playing.set(true)
                on:playing=move |_| on_playing(player)
                on:pause=move |_| on_pause(player)
                on:ended=move |_| player.on_ended()
                on:error=move |_| on_error(player)
            />
            <NowPlaying />
            <Transport />
            <SeekBar />
            <div class="extras">
                <Volume />
                <button
                    class="icon queue-toggle"
                    class:active=move || player.queue_open.get()
                    title="Queue (Q)"
                    aria-label="Queue"
                    aria-controls="queue-panel"
                    aria-expanded=move || player.queue_open.get().to_string()
                    on:click=move |_| player.queue_open.update(|o| *o = !*o)
                >
                    <Icon name="queue" />
                    <span class="badge">{move || player.queue.with(PlayQueue::len)}</span>
                </button>
                <button
                    class="icon help-toggle"
                    title="Keyboard shortcuts (?)"
                    aria-label="Keyboard shortcuts"
                    aria-expanded=move || player.help_open.get().to_string()
                    on:click=move |_| player.help_open.update(|o| *o = !*o)
                >
                    <Icon name="help" />
                </button>
            </div>
            {move || {
                player.error.get().map(|e| view! { <p class="player-error" role="alert">{e}</p> })
            }}
        </footer>
    }
}

#[component]
fn NowPlaying() -> impl IntoView {
    let player = use_player();
    let track = move || player.current();
    view! {
        <div class="now">
            <div class="art" aria-hidden="true">
                {move || match track().and_then(|t| t.artwork_url()) {
                    Some(url) => view! { <img src=url alt="" /> }.into_any(),
                    None => view! { <Icon name="note" /> }.into_any(),
                }}
            </div>
            <div class="now-text">
                <span class="now-title">
                    {move || track().map_or_else(|| "Nothing playing".to_owned(), |t| t.title)}
                </span>
                <span class="now-artist muted">{move || track().map(|t| t.artist)}</span>
            </div>
        </div>
    }
}

#[component]
fn Transport() -> impl IntoView {
    let player = use_player();
    let playing = move || player.playing.get();
    let repeat = move || player.repeat.get();
    let repeat_title = move || format!("Repeat: {} (R)", repeat().as_str());

    view! {
        <div class="transport">
            <button
                class="icon shuffle"
                class:active=move || player.shuffle.get()
                title="Shuffle (S)"
                aria-label="Shuffle"
                aria-pressed=move || player.shuffle.get().to_string()
                on:click=move |_| player.set_shuffle(!player.shuffle.get_untracked())
            >
                <Icon name="shuffle" />
            </button>
            <button
                class="icon previous"
                title="Previous (Shift+← or P)"
                aria-label="Previous"
                on:click=move |_| player.previous()
            >
                <Icon name="previous" />
            </button>
            <button
                class="icon big play-pause"
                class:playing=playing
                title=move || if playing() { "Pause (Space)" } else { "Play (Space)" }
                aria-label=move || if playing() { "Pause" } else { "Play" }
                on:click=move |_| player.toggle()
            >
                {move || {
                    if playing() {
                        view! { <Icon name="pause" /> }
                    } else {
                        view! { <Icon name="play" /> }
                    }
                }}
            </button>
            <button
                class="icon next"
                title="Next (Shift+→ or N)"
                aria-label="Next"
                on:click=move |_| player.next()
            >
                <Icon name="next" />
            </button>
            <button
                class="icon repeat"
                class:active=move || repeat() != Repeat::Off
                data-repeat=move || repeat().as_str()
                title=repeat_title
                aria-label=repeat_title
                on:click=move |_| player.cycle_repeat()
            >
                {move || {
                    let name = if repeat() == Repeat::One { "repeat-one" } else { "repeat" };
                    view! { <Icon name /> }
                }}
            </button>
        </div>
    }
}

#[component]
fn SeekBar() -> impl IntoView {
    let player = use_player();
    // While the thumb is dragged, show where it is instead of where the audio is.
    let scrub = RwSignal::new(None::<f64>);
    let shown = move || scrub.get().unwrap_or_else(|| player.position.get());
    let percent = move || {
        let total = player.duration.get();
        if total > 0.0 {
            (shown() / total * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    let value = move |ev: &leptos::ev::Event| event_target_value(ev).parse::<f64>().ok();

    view! {
        <div class="seek">
            <span class="time elapsed">{move || format_duration((shown() * 1000.0) as i64)}</span>
            <input
                type="range"
                class="seek-bar"
                aria-label="Seek"
                min="0"
                step="0.1"
                prop:max=move || player.duration.get()
                prop:value=shown
                style=move || format!("--progress: {:.2}%", percent())
                disabled=move || player.queue.with(PlayQueue::is_empty)
                on:input=move |ev| scrub.set(value(&ev))
                on:change=move |ev| {
                    if let Some(to) = value(&ev) {
                        player.seek_to(to);
                    }
                    scrub.set(None);
                }
            />
            <span class="time total">
                {move || format_duration((player.duration.get() * 1000.0) as i64)}
            </span>
        </div>
    }
}

#[component]
fn Volume() -> impl IntoView {
    let player = use_player();
    let muted = move || player.muted.get() || player.volume.get() == 0.0;
    let level = move || if player.muted.get() { 0.0 } else { player.volume.get() };

    view! {
        <button
            class="icon mute"
            class:active=muted
            title=move || if muted() { "Unmute (M)" } else { "Mute (M)" }
            aria-label=move || if muted() { "Unmute" } else { "Mute" }
            aria-pressed=move || player.muted.get().to_string()
            on:click=move |_| player.toggle_mute()
        >
            {move || {
                let name = if muted() { "mute" } else { "volume" };
                view! { <Icon name /> }
            }}
        </button>
        <input
            type="range"
            class="volume"
            aria-label="Volume"
            title="Volume (↑/↓)"
            min="0"
            max="1"
            step="0.01"
            prop:value=level
            style=move || format!("--progress: {:.0}%", level() * 100.0)
            on:input=move |ev| {
                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                    player.set_volume(v);
                }
            }
        />
    }
}

#[component]
fn ShortcutHelp() -> impl IntoView {
    let player = use_player();
    view! {
        <section
            class="shortcut-help"
            aria-label="Keyboard shortcuts"
            hidden=move || !player.help_open.get()
        >
            <h2>"Keyboard shortcuts"</h2>
            <dl>
                {SHORTCUTS
                    .iter()
                    .map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt> <dd>{*what}</dd> })
                    .collect_view()}
            </dl>
            <button class="button" on:click=move |_| player.help_open.set(false)>"Close"</button>
        </section>
    }
}

fn on_time(player: PlayerCtx) {
    let Some(el) = player.audio.get_untracked() else { return };
    player.position.set(el.current_time());
    #[cfg(feature = "hydrate")]
    crate::client::media_session::set_position(
        el.duration(),
        el.current_time(),
        el.playback_rate(),
    );
}

fn on_duration(player: PlayerCtx) {
    let Some(el) = player.audio.get_untracked() else { return };
    let d = el.duration();
    // Streams without a known length report NaN or infinity: keep the catalogue's value.
    if d.is_finite() && d > 0.0 {
        player.duration.set(d);
    }
}

fn on_playing(player: PlayerCtx) {
    player.playing.set(true);
    player.error.set(None);
    #[cfg(feature = "hydrate")]
    {
        use crate::client::media_session;
        player.queue.with_untracked(|q| media_session::set_track(q.current().map(|e| &e.track)));
        media_session::set_playing(true);
    }
}

fn on_pause(player: PlayerCtx) {
    player.playing.set(false);
    #[cfg(feature = "hydrate")]
    crate::client::media_session::set_playing(false);
}

fn on_error(player: PlayerCtx) {
    let Some(el) = player.audio.get_untracked() else { return };
    // Unloading (clear) fires errors too; only a real source failing matters.
    if el.get_attribute("src").is_none() {
        return;
    }
    let message = match el.error().map(|e| e.code()) {
        Some(2) => "Network error while loading the track.",
        Some(3) => "The track could not be decoded.",
        Some(4) => "This track cannot be played (missing or unsupported file).",
        _ => return,
    };
    player.playing.set(false);
    player.error.set(Some(message.to_owned()));
}

/// Wires the browser-only parts once the page has hydrated: shortcuts, Media Session and
/// stored preferences. Effects never run on the server, so nothing here renders differently.
fn browser_glue(player: PlayerCtx) {
    let loaded = RwSignal::new(false);

    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::client::{keys, media_session, prefs};
            keys::install(player);
            media_session::install(player);
            if let Some(p) = prefs::load() {
                player.volume.set(p.volume);
                player.muted.set(p.muted);
                player.shuffle.set(p.shuffle);
                player.repeat.set(p.repeat);
            }
        }
        loaded.set(true);
    });

    Effect::new(move |_| {
        let (volume, muted) = (player.volume.get(), player.muted.get());
        let (shuffle, repeat) = (player.shuffle.get(), player.repeat.get());
        if let Some(el) = player.audio.get() {
            el.set_volume(volume);
            el.set_muted(muted);
        }
        if !loaded.get() {
            return;
        }
        #[cfg(feature = "hydrate")]
        crate::client::prefs::save(crate::client::prefs::Prefs { volume, muted, shuffle, repeat });
        #[cfg(not(feature = "hydrate"))]
        let _ = (shuffle, repeat);
    });

    // Track changes refresh what the OS shows, even before the new track starts.
    Effect::new(move |_| {
        let key = player.queue.with(|q| q.current().map(|e| e.key));
        #[cfg(feature = "hydrate")]
        player.queue.with_untracked(|q| {
            crate::client::media_session::set_track(q.current().map(|e| &e.track))
        });
        key
    });
}
