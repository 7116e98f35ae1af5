//! Server functions for the administration page. Every one of them refuses non-admins.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::model::{Role, ScanReport, UserId};

/// An account as the admin's user list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
}

/// Everything the administration page shows on load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPageData {
    pub registration_open: bool,
    pub users: Vec<UserSummary>,
}

#[server(prefix = "/sfn", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<AdminPageData, ApiError> {
    use crate::server::{settings, user_admin};

    let (state, _admin) = super::ctx::admin().await?;
    Ok(AdminPageData {
        registration_open: settings::registration_open(&state.pool).await?,
        users: user_admin::list_user_summaries(&state.pool).await?,
    })
}

/// Re-indexes MEDIA_ROOT now and answers with the counts.
#[server(prefix = "/sfn", endpoint = "start_scan")]
pub async fn start_scan() -> Result<ScanReport, ApiError> {
    let (state, _admin) = super::ctx::admin().await?;
    Ok(crate::server::library::scan_media_root(&state).await?)
}

/// Opens or closes public registration.
#[server(prefix = "/sfn", endpoint = "set_registration")]
pub async fn set_registration(open: bool) -> Result<bool, ApiError> {
    let (state, _admin) = super::ctx::admin().await?;
    crate::server::settings::set_registration_open(&state.pool, open).await?;
    Ok(open)
}

/// Creates an account with the given role; the new user signs in with this password.
#[server(prefix = "/sfn", endpoint = "create_user")]
pub async fn create_user(
    username: String,
    password: String,
    role: Role,
) -> Result<String, ApiError> {
    let (state, _admin) = super::ctx::admin().await?;
    let account =
        crate::server::users::insert_user(&state.pool, &username, &password, role).await?;
    Ok(account.username)
}
