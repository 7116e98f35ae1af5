//! The domain error shared by every service; the HTTP and server-function faces map it once each.

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The object does not exist, or belongs to someone else (ids leak nothing).
    #[error("not found")]
    NotFound,
    #[error("sign in first")]
    Unauthorized,
    #[error("only an administrator may do this")]
    Forbidden,
    /// A cookie-authenticated write sent from another site (the CSRF check).
    #[error("refused: this request came from another site")]
    CrossSite,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; wait a minute and try again")]
    TooManyRequests,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    /// A short machine-readable code for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden | Self::CrossSite => "forbidden",
            Self::BadRequest(_) => "bad_request",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests => "too_many_requests",
            Self::Db(_) | Self::Io(_) | Self::Internal(_) => "internal",
        }
    }

    /// The message a client may see: server-side details (SQL, paths) stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            Self::Db(_) | Self::Io(_) | Self::Internal(_) => {
                "something went wrong on the server".into()
            }
            other => other.to_string(),
        }
    }

    pub fn is_server_fault(&self) -> bool {
        matches!(self, Self::Db(_) | Self::Io(_) | Self::Internal(_))
    }
}

pub type AppResult<T> = Result<T, AppError>;
