//! The player's state, shared through context, and the actions that drive the `<audio>`
//! element. The bar itself is in `player_bar`; it lives in the layout outside the routes, so
//! playback goes on while you change pages.
//!
//! Actions touch the element directly in the caller's tick (a click handler), because setting
//! `src` and calling `play()` there starts playback fastest and keeps the user's activation.

use leptos::{html::Audio, prelude::*};

use crate::{components::queue::PlayQueue, model::Track};

pub use crate::components::player_bar::Player;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Repeat {
    #[default]
    Off,
    All,
    One,
}

impl Repeat {
    pub fn cycle(self) -> Repeat {
        match self {
            Repeat::Off => Repeat::All,
            Repeat::All => Repeat::One,
            Repeat::One => Repeat::Off,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Repeat::Off => "off",
            Repeat::All => "all",
            Repeat::One => "one",
        }
    }

    pub fn parse(text: &str) -> Option<Repeat> {
        [Repeat::Off, Repeat::All, Repeat::One].into_iter().find(|r| r.as_str() == text)
    }
}

/// The player's state. Every field is a signal or node reference, so the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct PlayerCtx {
    pub queue: RwSignal<PlayQueue>,
    pub playing: RwSignal<bool>,
    /// Seconds into the current track, as the element last reported.
    pub position: RwSignal<f64>,
    pub duration: RwSignal<f64>,
    /// 0.0 ..= 1.0.
    pub volume: RwSignal<f64>,
    pub muted: RwSignal<bool>,
    pub shuffle: RwSignal<bool>,
    pub repeat: RwSignal<Repeat>,
    pub queue_open: RwSignal<bool>,
    pub help_open: RwSignal<bool>,
    /// Why the last track failed to play, shown in the bar.
    pub error: RwSignal<Option<String>>,
    pub audio: NodeRef<Audio>,
}

pub fn provide_player() {
    provide_context(PlayerCtx {
        queue: RwSignal::new(PlayQueue::default()),
        playing: RwSignal::new(false),
        position: RwSignal::new(0.0),
        duration: RwSignal::new(0.0),
        volume: RwSignal::new(1.0),
        muted: RwSignal::new(false),
        shuffle: RwSignal::new(false),
        repeat: RwSignal::new(Repeat::Off),
        queue_open: RwSignal::new(false),
        help_open: RwSignal::new(false),
        error: RwSignal::new(None),
        audio: NodeRef::new(),
    });
}

pub fn use_player() -> PlayerCtx {
    expect_context::<PlayerCtx>()
}

impl PlayerCtx {
    /// The track that is playing or paused (tracked).
    pub fn current(&self) -> Option<Track> {
        self.queue.with(|q| q.current().map(|e| e.track.clone()))
    }

    fn current_untracked(&self) -> Option<Track> {
        self.queue.with_untracked(|q| q.current().map(|e| e.track.clone()))
    }

    /// Replaces the queue with `tracks` and starts playing at `start`.
    pub fn play_list(&self, tracks: Vec<Track>, start: usize) {
        let shuffle = self.shuffle.get_untracked();
        let mut replaced = false;
        self.queue.update(|q| {
            replaced = q.replace(tracks, start);
            if replaced && shuffle {
                q.shuffle(&mut random_below);
            }
        });
        if replaced {
            self.load_current(true);
        }
    }

    /// Puts a track right after the current one.
    pub fn play_next(&self, track: Track) {
        let was_empty = self.queue.with_untracked(PlayQueue::is_empty);
        self.queue.update(|q| q.insert_next(track));
        if was_empty {
            self.load_current(false);
        }
    }

    /// Adds a track at the end of the queue.
    pub fn enqueue(&self, track: Track) {
        let was_empty = self.queue.with_untracked(PlayQueue::is_empty);
        self.queue.update(|q| q.push(track));
        if was_empty {
            self.load_current(false);
        }
    }

    /// Points the element at the current entry, from its start, and plays it if asked.
    fn load_current(&self, autoplay: bool) {
        self.error.set(None);
        self.position.set(0.0);
        let track = self.current_untracked();
        self.duration.set(track.as_ref().map_or(0.0, |t| t.duration_ms as f64 / 1000.0));
        let Some(el) = self.audio.get_untracked() else { return };
        match track {
            Some(track) => {
                el.set_src(&track.stream_url());
                if autoplay {
                    self.play();
                }
            }
            None => {
                let _ = el.pause();
                let _ = el.remove_attribute("src");
                el.load();
                self.playing.set(false);
            }
        }
    }

    pub fn play(&self) {
        let Some(el) = self.audio.get_untracked() else { return };
        if el.get_attribute("src").is_none() {
            match self.current_untracked() {
                Some(track) => el.set_src(&track.stream_url()),
                None => return,
            }
        }
        self.playing.set(true);
        let playing = self.playing;
        let error = self.error;
        #[cfg(feature = "hydrate")]
        crate::client::audio::play(&el, move |message| {
            playing.set(false);
            error.set(message);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (el, playing, error);
    }

    pub fn pause(&self) {
        if let Some(el) = self.audio.get_untracked() {
            let _ = el.pause();
        }
        self.playing.set(false);
    }

    pub fn toggle(&self) {
        if self.playing.get_untracked() {
            self.pause();
        } else {
            self.play();
        }
    }

    /// Moves to the next track (wrapping unless repeat is off); at the end of the queue, stops.
    pub fn next(&self) {
        let wrap = self.repeat.get_untracked() != Repeat::Off;
        let mut moved = false;
        self.queue.update(|q| moved = q.advance(wrap));
        if moved {
            self.load_current(true);
        } else {
            self.pause();
        }
    }

    /// Called when a track ends by itself: repeat one plays it again, else the next one.
    pub fn on_ended(&self) {
        if self.repeat.get_untracked() == Repeat::One {
            self.seek_to(0.0);
            self.play();
        } else {
            self.next();
        }
    }

    /// Restarts the track when past its first seconds, else moves to the previous one.
    pub fn previous(&self) {
        let mut moved = false;
        if self.position.get_untracked() <= 3.0 {
            self.queue.update(|q| moved = q.back());
        }
        if moved {
            self.load_current(true);
        } else {
            self.seek_to(0.0);
            self.play();
        }
    }

    /// Plays queue entry `index`.
    pub fn jump(&self, index: usize) {
        let mut ok = false;
        self.queue.update(|q| ok = q.jump(index));
        if ok {
            self.load_current(true);
        }
    }

    /// Removes queue entry `index`; removing the current one goes on with the entry after it.
    pub fn remove(&self, index: usize) {
        let mut was_current = false;
        self.queue.update(|q| was_current = q.remove(index));
        if was_current {
            self.load_current(self.playing.get_untracked());
        }
    }

    pub fn move_entry(&self, from: usize, to: usize) {
        self.queue.update(|q| {
            q.move_entry(from, to);
        });
    }

    pub fn clear(&self) {
        self.queue.update(PlayQueue::clear);
        self.load_current(false);
    }

    pub fn set_shuffle(&self, on: bool) {
        self.shuffle.set(on);
        self.queue.update(|q| if on { q.shuffle(&mut random_below) } else { q.unshuffle() });
    }

    pub fn cycle_repeat(&self) {
        self.repeat.update(|r| *r = r.cycle());
    }

    pub fn seek_to(&self, seconds: f64) {
        if !seconds.is_finite() {
            return;
        }
        let end = self.duration.get_untracked();
        let to = if end > 0.0 { seconds.clamp(0.0, end) } else { seconds.max(0.0) };
        if let Some(el) = self.audio.get_untracked() {
            el.set_current_time(to);
        }
        self.position.set(to);
    }

    pub fn seek_by(&self, delta: f64) {
        let now = match self.audio.get_untracked() {
            Some(el) => el.current_time(),
            None => self.position.get_untracked(),
        };
        self.seek_to(now + delta);
    }

    pub fn set_volume(&self, volume: f64) {
        if volume.is_finite() {
            self.volume.set(volume.clamp(0.0, 1.0));
            self.muted.set(false);
        }
    }

    pub fn toggle_mute(&self) {
        self.muted.update(|m| *m = !*m);
    }
}

/// A random number below `n` for shuffling; the browser's generator is good enough here.
fn random_below(n: usize) -> usize {
    #[cfg(feature = "hydrate")]
    let unit = js_sys::Math::random();
    #[cfg(not(feature = "hydrate"))]
    let unit = {
        use std::time::{SystemTime, UNIX_EPOCH};
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        f64::from(nanos % 1000) / 1000.0
    };
    ((unit * n as f64) as usize).min(n.saturating_sub(1))
}

/// What a key press asks the player to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shortcut {
    Toggle,
    Seek(f64),
    Next,
    Previous,
    Volume(f64),
    Mute,
    Shuffle,
    Repeat,
    Queue,
    Help,
    Close,
}

/// The keyboard map, shown in the help popover as (keys, what they do).
pub const SHORTCUTS: [(&str, &str); 10] = [
    ("Space", "Play / pause"),
    ("← / →", "Seek 5 s"),
    ("Shift+← / →, P / N", "Previous / next track"),
    ("↑ / ↓", "Volume"),
    ("M", "Mute"),
    ("S", "Shuffle"),
    ("R", "Repeat: off, all, one"),
    ("Q", "Queue"),
    ("?", "This help"),
    ("Esc", "Close panels"),
];

/// Maps a `KeyboardEvent.key` (with Shift) to a player action.
pub fn shortcut_for(key: &str, shift: bool) -> Option<Shortcut> {
    let shortcut = match key {
        " " | "Spacebar" => Shortcut::Toggle,
        "ArrowLeft" if shift => Shortcut::Previous,
        "ArrowRight" if shift => Shortcut::Next,
        "ArrowLeft" => Shortcut::Seek(-5.0),
        "ArrowRight" => Shortcut::Seek(5.0),
        "ArrowUp" => Shortcut::Volume(0.05),
        "ArrowDown" => Shortcut::Volume(-0.05),
        "?" => Shortcut::Help,
        "Escape" => Shortcut::Close,
        _ => match key.to_ascii_lowercase().as_str() {
            "n" => Shortcut::Next,
            "p" => Shortcut::Previous,
            "m" => Shortcut::Mute,
            "s" => Shortcut::Shuffle,
            "r" => Shortcut::Repeat,
            "q" => Shortcut::Queue,
            _ => return None,
        },
    };
    Some(shortcut)
}

impl PlayerCtx {
    /// Carries out a shortcut.
    pub fn run(&self, shortcut: Shortcut) {
        match shortcut {
            Shortcut::Toggle => self.toggle(),
            Shortcut::Seek(delta) => self.seek_by(delta),
            Shortcut::Next => self.next(),
            Shortcut::Previous => self.previous(),
            Shortcut::Volume(delta) => self.set_volume(self.volume.get_untracked() + delta),
            Shortcut::Mute => self.toggle_mute(),
            Shortcut::Shuffle => self.set_shuffle(!self.shuffle.get_untracked()),
            Shortcut::Repeat => self.cycle_repeat(),
            Shortcut::Queue => self.queue_open.update(|o| *o = !*o),
            Shortcut::Help => self.help_open.update(|o| *o = !*o),
            Shortcut::Close => {
                self.help_open.set(false);
                self.queue_open.set(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_cycles_off_all_one_and_round_trips_its_name() {
        assert_eq!(Repeat::Off.cycle(), Repeat::All);
        assert_eq!(Repeat::All.cycle(), Repeat::One);
        assert_eq!(Repeat::One.cycle(), Repeat::Off);
        for r in [Repeat::Off, Repeat::All, Repeat::One] {
            assert_eq!(Repeat::parse(r.as_str()), Some(r));
        }
        assert_eq!(Repeat::parse("sometimes"), None);
    }

    #[test]
    fn arrows_seek_and_shift_arrows_change_track() {
        assert_eq!(shortcut_for("ArrowLeft", false), Some(Shortcut::Seek(-5.0)));
        assert_eq!(shortcut_for("ArrowRight", false), Some(Shortcut::Seek(5.0)));
        assert_eq!(shortcut_for("ArrowLeft", true), Some(Shortcut::Previous));
        assert_eq!(shortcut_for("ArrowRight", true), Some(Shortcut::Next));
    }

    #[test]
    fn letters_map_in_either_case_and_unknown_keys_do_nothing() {
        assert_eq!(shortcut_for(" ", false), Some(Shortcut::Toggle));
        assert_eq!(shortcut_for("N", true), Some(Shortcut::Next));
        assert_eq!(shortcut_for("p", false), Some(Shortcut::Previous));
        assert_eq!(shortcut_for("m", false), Some(Shortcut::Mute));
        assert_eq!(shortcut_for("s", false), Some(Shortcut::Shuffle));
        assert_eq!(shortcut_for("r", false), Some(Shortcut::Repeat));
        assert_eq!(shortcut_for("q", false), Some(Shortcut::Queue));
        assert_eq!(shortcut_for("ArrowUp", false), Some(Shortcut::Volume(0.05)));
        assert_eq!(shortcut_for("x", false), None);
        assert_eq!(shortcut_for("Enter", false), None);
    }

    #[test]
    fn random_below_stays_in_range() {
        for n in 1..50 {
            assert!(random_below(n) < n);
        }
        assert_eq!(random_below(0), 0);
    }
}
