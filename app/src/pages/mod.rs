//! One module per page; each page component ends in `Page`.

pub mod admin;
pub mod auth;
pub mod channels;
pub mod downloads;
pub mod home;
pub mod library;
pub mod not_found;
pub mod offline;
pub mod playlist_downloads;
pub mod playlists;
