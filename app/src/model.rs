//! Types that travel between the server and the browser (server functions, REST JSON).

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", sqlx(transparent))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A row of `users`.
    UserId
);
id_type!(
    /// A row of `tracks`: one audio file.
    TrackId
);
id_type!(
    /// A row of `playlists`.
    PlaylistId
);
id_type!(
    /// A row of `playlist_items`: one place in a playlist.
    PlaylistItemId
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }
}

/// The signed-in account as the pages and `GET /api/user/account/` see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub role: Role,
}

impl Account {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// A track as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: TrackId,
    pub title: String,
    pub artist: String,
    pub album: String,
    pub album_artist: String,
    pub track_no: Option<i64>,
    pub disc_no: Option<i64>,
    pub year: Option<i64>,
    pub genre: String,
    pub duration_ms: i64,
    pub codec: String,
    pub mime: String,
    pub bitrate_kbps: Option<i64>,
    pub size: i64,
    pub has_artwork: bool,
    pub added_at: i64,
}

impl Track {
    pub fn stream_url(&self) -> String {
        stream_url(self.id)
    }

    pub fn artwork_url(&self) -> Option<String> {
        self.has_artwork.then(|| format!("/api/audio/{}/artwork", self.id))
    }
}

#[cfg(test)]
impl Track {
    /// A track with only an id and a title, for unit tests.
    pub fn sample(id: i64) -> Self {
        Track {
            id: TrackId(id),
            title: format!("t{id}"),
            artist: String::new(),
            album: String::new(),
            album_artist: String::new(),
            track_no: None,
            disc_no: None,
            year: None,
            genre: String::new(),
            duration_ms: 1000,
            codec: String::new(),
            mime: String::new(),
            bitrate_kbps: None,
            size: 0,
            has_artwork: false,
            added_at: 0,
        }
    }
}

/// The canonical URL of a track's bytes. The service worker keys cached audio by this URL.
pub fn stream_url(id: TrackId) -> String {
    format!("/api/audio/{id}/stream")
}

/// How the library list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSort {
    #[default]
    Artist,
    Title,
    Album,
    Recent,
    Duration,
}

impl TrackSort {
    pub const ALL: [TrackSort; 5] = [
        TrackSort::Artist,
        TrackSort::Title,
        TrackSort::Album,
        TrackSort::Recent,
        TrackSort::Duration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackSort::Artist => "artist",
            TrackSort::Title => "title",
            TrackSort::Album => "album",
            TrackSort::Recent => "recent",
            TrackSort::Duration => "duration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrackSort::Artist => "Artist",
            TrackSort::Title => "Title",
            TrackSort::Album => "Album",
            TrackSort::Recent => "Recently added",
            TrackSort::Duration => "Length",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One page of a track search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackPage {
    pub data: Vec<Track>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaylistSummary {
    pub id: PlaylistId,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub item_count: i64,
    pub duration_ms: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaylistEntry {
    pub item_id: PlaylistItemId,
    pub position: i64,
    pub gone_upstream: bool,
    pub track: Track,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaylistDetail {
    #[serde(flatten)]
    pub summary: PlaylistSummary,
    pub items: Vec<PlaylistEntry>,
}

/// Counts at the end of a scan or import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
    pub removed: u64,
    /// One line per skipped file: path and reason.
    pub problems: Vec<String>,
}

/// Formats milliseconds as m:ss or h:mm:ss.
pub fn format_duration(ms: i64) -> String {
    let total = ms.max(0) / 1000;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_player() {
        assert_eq!(format_duration(0), "0:00");
        assert_eq!(format_duration(61_500), "1:01");
        assert_eq!(format_duration(3_600_000 + 62_000), "1:01:02");
    }

    #[test]
    fn sort_names_round_trip() {
        for sort in TrackSort::ALL {
            assert_eq!(TrackSort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(TrackSort::parse("nope"), None);
    }
}
