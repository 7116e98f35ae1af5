//! Runtime configuration: read once from the environment, validated, then shared read-only.

use std::{fmt, net::SocketAddr, path::PathBuf};

/// A secret that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The first administrator, created at start-up when the server has no user yet.
#[derive(Clone, Debug)]
pub struct InitialAdmin {
    pub username: String,
    pub password: Secret,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub media_root: PathBuf,
    pub cache_dir: PathBuf,
    pub addr: SocketAddr,
    pub initial_admin: Option<InitialAdmin>,
    /// Set the `Secure` flag on the session cookie (serve behind HTTPS).
    pub secure_cookies: bool,
    /// The yt-dlp program (`YTDLP_PATH`).
    pub ytdlp_path: PathBuf,
    /// The ffmpeg program (`FFMPEG_PATH`).
    pub ffmpeg_path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, so tests can pass their own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let dir = |variable: &'static str, default: &str| -> Result<PathBuf, ConfigError> {
            let value = lookup(variable).unwrap_or_else(|| default.to_owned());
            if value.trim().is_empty() {
                return Err(ConfigError { variable, message: "must not be empty".into() });
            }
            Ok(PathBuf::from(value))
        };
        let addr_text = lookup("SOUNDWAVE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| ConfigError {
            variable: "SOUNDWAVE_ADDR",
            message: format!("`{addr_text}` is not an address like 127.0.0.1:3000"),
        })?;

        let initial_admin = match (lookup("SW_ADMIN_USERNAME"), lookup("SW_ADMIN_PASSWORD")) {
            (None, None) => None,
            (Some(username), Some(password)) => {
                if username.trim().is_empty() {
                    return Err(ConfigError {
                        variable: "SW_ADMIN_USERNAME",
                        message: "must not be empty".into(),
                    });
                }
                if password.len() < crate::server::users::MIN_PASSWORD_LEN {
                    return Err(ConfigError {
                        variable: "SW_ADMIN_PASSWORD",
                        message: format!(
                            "must be at least {} characters",
                            crate::server::users::MIN_PASSWORD_LEN
                        ),
                    });
                }
                Some(InitialAdmin {
                    username: username.trim().to_owned(),
                    password: Secret(password),
                })
            }
            (Some(_), None) => {
                return Err(ConfigError {
                    variable: "SW_ADMIN_PASSWORD",
                    message: "is required when SW_ADMIN_USERNAME is set".into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError {
                    variable: "SW_ADMIN_USERNAME",
                    message: "is required when SW_ADMIN_PASSWORD is set".into(),
                })
            }
        };

        let secure_cookies = match lookup("SW_SECURE_COOKIES").as_deref() {
            None | Some("") | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(other) => {
                return Err(ConfigError {
                    variable: "SW_SECURE_COOKIES",
                    message: format!("`{other}` is not true or false"),
                })
            }
        };

        Ok(Self {
            data_dir: dir("DATA_DIR", "./data")?,
            media_root: dir("MEDIA_ROOT", "./audio")?,
            cache_dir: dir("CACHE_DIR", "./cache")?,
            addr,
            initial_admin,
            secure_cookies,
            ytdlp_path: program(&lookup, "YTDLP_PATH", || default_ytdlp(|p| p.is_file()))?,
            ffmpeg_path: program(&lookup, "FFMPEG_PATH", || PathBuf::from("ffmpeg"))?,
        })
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("soundwave.db")
    }

    /// Where extracted cover art is written, inside the media root.
    pub fn artwork_dir(&self) -> PathBuf {
        self.media_root.join(".artwork")
    }
}

/// A program path from `variable`, or the default when unset.
fn program(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: impl FnOnce() -> PathBuf,
) -> Result<PathBuf, ConfigError> {
    match lookup(variable) {
        None => Ok(default()),
        Some(value) if value.trim().is_empty() => {
            Err(ConfigError { variable, message: "must not be empty".into() })
        }
        Some(value) => Ok(PathBuf::from(value.trim())),
    }
}

/// The project's own yt-dlp (installed by the set-up script into `.venv`) when present, else
/// whatever `yt-dlp` is on `PATH`.
fn default_ytdlp(exists: impl Fn(&std::path::Path) -> bool) -> PathBuf {
    let local = PathBuf::from(".venv/bin/yt-dlp");
    if exists(&local) {
        local
    } else {
        PathBuf::from("yt-dlp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| map.get(key).cloned())
    }

    #[test]
    fn defaults_are_local_directories() {
        let config = config(&[]).unwrap();
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.media_root, PathBuf::from("./audio"));
        assert_eq!(config.cache_dir, PathBuf::from("./cache"));
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert!(config.initial_admin.is_none());
    }

    #[test]
    fn tool_paths_default_to_the_virtualenv_or_path() {
        assert_eq!(default_ytdlp(|_| true), PathBuf::from(".venv/bin/yt-dlp"));
        assert_eq!(default_ytdlp(|_| false), PathBuf::from("yt-dlp"));
        assert_eq!(config(&[]).unwrap().ffmpeg_path, PathBuf::from("ffmpeg"));
    }

    #[test]
    fn tool_paths_come_from_the_environment() {
        let config =
            config(&[("YTDLP_PATH", "/opt/yt/yt-dlp"), ("FFMPEG_PATH", "/opt/ff/ffmpeg")]).unwrap();
        assert_eq!(config.ytdlp_path, PathBuf::from("/opt/yt/yt-dlp"));
        assert_eq!(config.ffmpeg_path, PathBuf::from("/opt/ff/ffmpeg"));
        let err = tests::config(&[("YTDLP_PATH", " ")]).unwrap_err();
        assert_eq!(err.variable, "YTDLP_PATH");
    }

    #[test]
    fn bad_address_names_the_variable() {
        let err = config(&[("SOUNDWAVE_ADDR", "nowhere")]).unwrap_err();
        assert_eq!(err.variable, "SOUNDWAVE_ADDR");
    }

    #[test]
    fn admin_needs_both_variables() {
        let err = config(&[("SW_ADMIN_USERNAME", "root")]).unwrap_err();
        assert_eq!(err.variable, "SW_ADMIN_PASSWORD");
    }

    #[test]
    fn admin_password_is_not_printed() {
        let config =
            config(&[("SW_ADMIN_USERNAME", "root"), ("SW_ADMIN_PASSWORD", "hunter2hunter2")])
                .unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
