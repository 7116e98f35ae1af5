//! The play queue: its order, the current entry, shuffle that can be undone, and the panel
//! that lists it. The model is plain data so its rules are tested without a browser.

use leptos::prelude::*;

use crate::{
    components::{icons::Icon, player::use_player},
    model::{format_duration, Track},
};

/// One slot in the queue. The key tells apart two slots holding the same track.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueEntry {
    pub key: u64,
    pub track: Track,
}

/// The tracks to play, in play order, and which one is playing.
#[derive(Clone, Debug, Default)]
pub struct PlayQueue {
    entries: Vec<QueueEntry>,
    current: Option<usize>,
    /// Keys in the order they had before shuffling; `Some` while shuffled.
    unshuffled: Option<Vec<u64>>,
    next_key: u64,
}

impl PlayQueue {
    pub fn entries(&self) -> &[QueueEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn current_index(&self) -> Option<usize> {
        self.current
    }

    pub fn current(&self) -> Option<&QueueEntry> {
        self.entries.get(self.current?)
    }

    pub fn is_shuffled(&self) -> bool {
        self.unshuffled.is_some()
    }

    fn entry(&mut self, track: Track) -> QueueEntry {
        self.next_key += 1;
        QueueEntry { key: self.next_key, track }
    }

    /// Replaces everything with `tracks`, `start` being current. Out-of-range starts are ignored.
    pub fn replace(&mut self, tracks: Vec<Track>, start: usize) -> bool {
        if start >= tracks.len() {
            return false;
        }
        self.entries = tracks.into_iter().map(|t| self.entry(t)).collect();
        self.current = Some(start);
        self.unshuffled = None;
        true
    }

    /// Puts `track` right after the current entry (first when nothing plays).
    pub fn insert_next(&mut self, track: Track) {
        let entry = self.entry(track);
        let at = self.current.map_or(0, |i| i + 1).min(self.entries.len());
        if let Some(order) = &mut self.unshuffled {
            let after = self.current.and_then(|i| self.entries.get(i)).map(|e| e.key);
            let pos = after.and_then(|k| order.iter().position(|&o| o == k)).map_or(0, |p| p + 1);
            order.insert(pos.min(order.len()), entry.key);
        }
        self.entries.insert(at, entry);
        match self.current {
            None => self.current = Some(at),
            Some(i) if at <= i => self.current = Some(i + 1),
            Some(_) => {}
        }
    }

    /// Adds `track` at the end; it becomes current when the queue was empty.
    pub fn push(&mut self, track: Track) {
        let entry = self.entry(track);
        if let Some(order) = &mut self.unshuffled {
            order.push(entry.key);
        }
        self.entries.push(entry);
        if self.current.is_none() {
            self.current = Some(self.entries.len() - 1);
        }
    }

    /// Makes entry `index` current.
    pub fn jump(&mut self, index: usize) -> bool {
        let ok = index < self.entries.len();
        if ok {
            self.current = Some(index);
        }
        ok
    }

    /// Removes entry `index`. Returns true when the current entry was the one removed, so the
    /// player must load the entry that took its place (the next one, else the previous one).
    pub fn remove(&mut self, index: usize) -> bool {
        if index >= self.entries.len() {
            return false;
        }
        let gone = self.entries.remove(index);
        if let Some(order) = &mut self.unshuffled {
            order.retain(|&k| k != gone.key);
        }
        let Some(current) = self.current else { return false };
        if index < current {
            self.current = Some(current - 1);
            false
        } else if index == current {
            self.current = if self.entries.is_empty() {
                None
            } else {
                Some(current.min(self.entries.len() - 1))
            };
            true
        } else {
            false
        }
    }

    /// Moves entry `from` to position `to`; the current entry stays current.
    pub fn move_entry(&mut self, from: usize, to: usize) -> bool {
        let len = self.entries.len();
        if from >= len || to >= len || from == to {
            return false;
        }
        let current_key = self.current().map(|e| e.key);
        let entry = self.entries.remove(from);
        self.entries.insert(to, entry);
        self.current = current_key.and_then(|k| self.position_of(k));
        true
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.current = None;
        self.unshuffled = None;
    }

    /// Steps to the next entry; past the end, wraps to the start when `wrap`.
    pub fn advance(&mut self, wrap: bool) -> bool {
        let Some(current) = self.current else { return false };
        if current + 1 < self.entries.len() {
            self.current = Some(current + 1);
            true
        } else if wrap && !self.entries.is_empty() {
            self.current = Some(0);
            true
        } else {
            false
        }
    }

    /// Steps to the previous entry; false at the start.
    pub fn back(&mut self) -> bool {
        match self.current {
            Some(current) if current > 0 => {
                self.current = Some(current - 1);
                true
            }
            _ => false,
        }
    }

    /// Shuffles the play order with the current entry first. `pick(n)` returns a number below n.
    pub fn shuffle(&mut self, pick: &mut impl FnMut(usize) -> usize) {
        if self.unshuffled.is_none() {
            self.unshuffled = Some(self.entries.iter().map(|e| e.key).collect());
        }
        let current = self.current.map(|i| self.entries.remove(i));
        // Fisher–Yates over the rest.
        for i in (1..self.entries.len()).rev() {
            let j = pick(i + 1).min(i);
            self.entries.swap(i, j);
        }
        if let Some(entry) = current {
            self.entries.insert(0, entry);
            self.current = Some(0);
        }
    }

    /// Puts the entries back in the order they had before shuffling (with later additions).
    pub fn unshuffle(&mut self) {
        let Some(order) = self.unshuffled.take() else { return };
        let current_key = self.current().map(|e| e.key);
        let rank = |key: u64| order.iter().position(|&k| k == key).unwrap_or(usize::MAX);
        self.entries.sort_by_key(|e| rank(e.key));
        self.current = current_key.and_then(|k| self.position_of(k));
    }

    fn position_of(&self, key: u64) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }
}

/// The queue panel: the list with the current entry marked, and per-entry actions.
#[component]
pub fn QueuePanel() -> impl IntoView {
    let player = use_player();
    let count = move || player.queue.with(PlayQueue::len);

    view! {
        <section
            class="queue-panel"
            id="queue-panel"
            aria-label="Queue"
            hidden=move || !player.queue_open.get()
        >
            <header class="queue-head">
                <h2>"Queue " <span class="muted queue-count">{count}</span></h2>
                <button
                    class="button queue-clear"
                    disabled=move || count() == 0
                    on:click=move |_| player.clear()
                >
                    "Clear"
                </button>
                <button
                    class="icon queue-close"
                    title="Close queue (Q)"
                    aria-label="Close queue"
                    on:click=move |_| player.queue_open.set(false)
                >
                    <Icon name="close" />
                </button>
            </header>
            <Show
                when=move || { count() > 0 }
                fallback=|| view! { <p class="muted queue-empty">"Nothing queued."</p> }
            >
                <ol class="queue-list">
                    <For
                        each=move || {
                            player.queue.with(|q| {
                                q.entries().iter().map(|e| e.key).enumerate().collect::<Vec<_>>()
                            })
                        }
                        key=|&(index, key)| (index, key)
                        children=move |(index, key)| view! { <QueueRow index key /> }
                    />
                </ol>
            </Show>
        </section>
    }
}

#[component]
fn QueueRow(index: usize, key: u64) -> impl IntoView {
    let player = use_player();
    let track = player.queue.with_untracked(|q| q.entries().get(index).map(|e| e.track.clone()));
    let Some(track) = track else { return ().into_any() };
    let is_current = move || player.queue.with(|q| q.current().map(|e| e.key) == Some(key));
    let last = move || player.queue.with(PlayQueue::len).saturating_sub(1);
    let label = format!("{} — {}", track.title, track.artist);

    view! {
        <li class="queue-item" class:current=is_current data-key=key>
            <button
                class="queue-jump"
                title=format!("Play {label}")
                aria-current=move || is_current().then_some("true")
                on:click=move |_| player.jump(index)
            >
                <span class="queue-title">{track.title.clone()}</span>
                <span class="queue-artist muted">{track.artist.clone()}</span>
                <span class="time muted">{format_duration(track.duration_ms)}</span>
            </button>
            <span class="queue-actions">
                <button
                    class="icon queue-up"
                    title="Move up"
                    aria-label=format!("Move {label} up")
                    disabled=index == 0
                    on:click=move |_| player.move_entry(index, index.saturating_sub(1))
                >
                    <Icon name="up" />
                </button>
                <button
                    class="icon queue-down"
                    title="Move down"
                    aria-label=format!("Move {label} down")
                    disabled=move || { index >= last() }
                    on:click=move |_| player.move_entry(index, index + 1)
                >
                    <Icon name="down" />
                </button>
                <button
                    class="icon queue-remove"
                    title="Remove from queue"
                    aria-label=format!("Remove {label}")
                    on:click=move |_| player.remove(index)
                >
                    <Icon name="close" />
                </button>
            </span>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(id: i64) -> Track {
        Track::sample(id)
    }

    fn ids(q: &PlayQueue) -> Vec<i64> {
        q.entries().iter().map(|e| e.track.id.0).collect()
    }

    fn current_id(q: &PlayQueue) -> Option<i64> {
        q.current().map(|e| e.track.id.0)
    }

    fn queue_of(n: i64, start: usize) -> PlayQueue {
        let mut q = PlayQueue::default();
        assert!(q.replace((1..=n).map(track).collect(), start));
        q
    }

    /// A fixed generator so shuffles are reproducible.
    fn lcg() -> impl FnMut(usize) -> usize {
        let mut state: u64 = 42;
        move |n| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % n
        }
    }

    #[test]
    fn replace_rejects_start_past_the_end() {
        let mut q = PlayQueue::default();
        assert!(!q.replace(vec![track(1)], 1));
        assert!(q.is_empty());
        assert_eq!(q.current_index(), None);
    }

    #[test]
    fn shuffle_keeps_current_first_and_unshuffle_restores_order() {
        let mut q = queue_of(20, 7);
        q.shuffle(&mut lcg());
        assert_eq!(current_id(&q), Some(8));
        assert_eq!(q.current_index(), Some(0));
        assert_ne!(ids(&q), (1..=20).collect::<Vec<_>>());
        let mut sorted = ids(&q);
        sorted.sort();
        assert_eq!(sorted, (1..=20).collect::<Vec<_>>());

        q.advance(false);
        let now = current_id(&q);
        q.unshuffle();
        assert_eq!(ids(&q), (1..=20).collect::<Vec<_>>());
        assert_eq!(current_id(&q), now);
        assert!(!q.is_shuffled());
    }

    #[test]
    fn tracks_added_while_shuffled_keep_their_place_after_unshuffle() {
        let mut q = queue_of(5, 0);
        q.shuffle(&mut lcg());
        q.push(track(6));
        q.insert_next(track(9));
        assert_eq!(q.entries()[1].track.id.0, 9);
        q.unshuffle();
        assert_eq!(ids(&q), vec![1, 9, 2, 3, 4, 5, 6]);
        assert_eq!(current_id(&q), Some(1));
    }

    #[test]
    fn insert_next_goes_after_current_and_push_sets_current_on_empty_queue() {
        let mut q = PlayQueue::default();
        q.push(track(1));
        assert_eq!(current_id(&q), Some(1));
        q.push(track(2));
        q.insert_next(track(3));
        assert_eq!(ids(&q), vec![1, 3, 2]);
        assert_eq!(current_id(&q), Some(1));
    }

    #[test]
    fn removing_current_moves_to_the_following_entry() {
        let mut q = queue_of(3, 1);
        assert!(q.remove(1));
        assert_eq!(current_id(&q), Some(3));
        assert!(q.remove(1));
        assert_eq!(current_id(&q), Some(1));
        assert!(q.remove(0));
        assert_eq!(q.current_index(), None);
    }

    #[test]
    fn removing_before_current_keeps_the_same_track_current() {
        let mut q = queue_of(4, 2);
        assert!(!q.remove(0));
        assert_eq!(current_id(&q), Some(3));
        assert!(!q.remove(2));
        assert_eq!(ids(&q), vec![2, 3]);
    }

    #[test]
    fn moving_entries_keeps_current_track() {
        let mut q = queue_of(4, 1);
        assert!(q.move_entry(1, 3));
        assert_eq!(ids(&q), vec![1, 3, 4, 2]);
        assert_eq!(current_id(&q), Some(2));
        assert!(q.move_entry(3, 2));
        assert_eq!(ids(&q), vec![1, 3, 2, 4]);
        assert!(!q.move_entry(0, 4));
    }

    #[test]
    fn advance_wraps_only_when_asked_and_back_stops_at_start() {
        let mut q = queue_of(2, 1);
        assert!(!q.advance(false));
        assert_eq!(current_id(&q), Some(2));
        assert!(q.advance(true));
        assert_eq!(current_id(&q), Some(1));
        assert!(!q.back());
        assert!(q.jump(1) && q.back());
        assert!(!q.jump(5));
    }

    #[test]
    fn same_track_twice_gets_distinct_keys() {
        let mut q = PlayQueue::default();
        q.push(track(1));
        q.push(track(1));
        assert_ne!(q.entries()[0].key, q.entries()[1].key);
        assert!(q.move_entry(0, 1));
        assert_eq!(q.current_index(), Some(1));
    }
}
