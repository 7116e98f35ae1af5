//! The player: queue state shared through context, and the bar with the `<audio>` element.
//! It lives in the layout outside the routes, so playback goes on while you change pages.

use leptos::prelude::*;

use crate::model::{format_duration, Track};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Repeat {
    #[default]
    Off,
    All,
    One,
}

/// The player's state. Every field is a signal, so the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct PlayerCtx {
    pub queue: RwSignal<Vec<Track>>,
    pub index: RwSignal<Option<usize>>,
    pub playing: RwSignal<bool>,
    pub position: RwSignal<f64>,
    pub duration: RwSignal<f64>,
    pub volume: RwSignal<f64>,
    pub shuffle: RwSignal<bool>,
    pub repeat: RwSignal<Repeat>,
    /// Bumped when the same track must restart (repeat one, replay).
    pub restart: RwSignal<u64>,
}

pub fn provide_player() {
    provide_context(PlayerCtx {
        queue: RwSignal::new(Vec::new()),
        index: RwSignal::new(None),
        playing: RwSignal::new(false),
        position: RwSignal::new(0.0),
        duration: RwSignal::new(0.0),
        volume: RwSignal::new(1.0),
        shuffle: RwSignal::new(false),
        repeat: RwSignal::new(Repeat::Off),
        restart: RwSignal::new(0),
    });
}

pub fn use_player() -> PlayerCtx {
    expect_context::<PlayerCtx>()
}

impl PlayerCtx {
    pub fn current(&self) -> Option<Track> {
        let index = self.index.get()?;
        self.queue.with(|q| q.get(index).cloned())
    }

    /// Replaces the queue with `tracks` and starts at `start`.
    pub fn play_list(&self, tracks: Vec<Track>, start: usize) {
        if start >= tracks.len() {
            return;
        }
        self.queue.set(tracks);
        self.index.set(Some(start));
        self.restart.update(|n| *n += 1);
        self.playing.set(true);
    }

    /// Puts a track right after the current one.
    pub fn play_next(&self, track: Track) {
        let at = self.index.get_untracked().map(|i| i + 1).unwrap_or(0);
        self.queue.update(|q| q.insert(at.min(q.len()), track));
        if self.index.get_untracked().is_none() {
            self.index.set(Some(0));
        }
    }

    /// Adds a track at the end of the queue.
    pub fn enqueue(&self, track: Track) {
        self.queue.update(|q| q.push(track));
        if self.index.get_untracked().is_none() {
            self.index.set(Some(0));
        }
    }

    pub fn toggle(&self) {
        if self.index.get_untracked().is_some() {
            self.playing.update(|p| *p = !*p);
        }
    }

    /// Moves to the next track; at the end of the queue, wraps when repeating all.
    pub fn next(&self) {
        let len = self.queue.with_untracked(Vec::len);
        let Some(index) = self.index.get_untracked() else { return };
        if index + 1 < len {
            self.index.set(Some(index + 1));
        } else if self.repeat.get_untracked() == Repeat::All && len > 0 {
            self.index.set(Some(0));
        } else {
            self.playing.set(false);
            return;
        }
        self.restart.update(|n| *n += 1);
        self.playing.set(true);
    }

    /// Restarts the track when past its first seconds, else moves to the previous one.
    pub fn previous(&self) {
        let Some(index) = self.index.get_untracked() else { return };
        if self.position.get_untracked() > 3.0 || index == 0 {
            self.restart.update(|n| *n += 1);
        } else {
            self.index.set(Some(index - 1));
            self.restart.update(|n| *n += 1);
        }
        self.playing.set(true);
    }
}

#[component]
pub fn Player() -> impl IntoView {
    let player = use_player();
    let audio = NodeRef::<leptos::html::Audio>::new();
    let title = move || player.current().map(|t| t.title).unwrap_or_default();
    let artist = move || player.current().map(|t| t.artist).unwrap_or_default();
    let src = move || player.current().map(|t| t.stream_url());

    // Start or pause the element when the state says so.
    Effect::new(move |_| {
        let playing = player.playing.get();
        let _ = player.restart.get();
        let _ = src();
        if let Some(el) = audio.get() {
            if playing {
                let _ = el.play();
            } else {
                let _ = el.pause();
            }
        }
    });

    view! {
        <footer class="player" class:idle=move || player.index.get().is_none()>
            <audio
                node_ref=audio
                src=src
                preload="auto"
                crossorigin="anonymous"
                on:timeupdate=move |_| {
                    if let Some(el) = audio.get() {
                        player.position.set(el.current_time());
                    }
                }
                on:durationchange=move |_| {
                    if let Some(el) = audio.get() {
                        let d = el.duration();
                        player.duration.set(if d.is_finite() { d } else { 0.0 });
                    }
                }
                on:play=move |_| player.playing.set(true)
                on:pause=move |_| player.playing.set(false)
                on:ended=move |_| player.next()
            />
            <div class="now">
                <span class="now-title">{title}</span>
                <span class="now-artist muted">{artist}</span>
            </div>
            <div class="transport">
                <button class="icon" title="Previous" on:click=move |_| player.previous()>"⏮"</button>
                <button
                    class="icon big play-pause"
                    title=move || if player.playing.get() { "Pause" } else { "Play" }
                    on:click=move |_| player.toggle()
                >
                    {move || if player.playing.get() { "⏸" } else { "▶" }}
                </button>
                <button class="icon" title="Next" on:click=move |_| player.next()>"⏭"</button>
            </div>
            <div class="seek">
                <span class="time">{move || format_duration((player.position.get() * 1000.0) as i64)}</span>
                <input
                    type="range"
                    class="seek-bar"
                    aria-label="Seek"
                    min="0"
                    step="0.1"
                    prop:max=move || player.duration.get()
                    prop:value=move || player.position.get()
                    on:change=move |ev| {
                        if let (Some(el), Ok(to)) = (audio.get(), event_target_value(&ev).parse::<f64>()) {
                            el.set_current_time(to);
                        }
                    }
                />
                <span class="time">{move || format_duration((player.duration.get() * 1000.0) as i64)}</span>
            </div>
        </footer>
    }
}
