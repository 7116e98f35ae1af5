//! The administrator's view of accounts: who exists, with which role, since when.

use sqlx::SqlitePool;

use super::error::AppResult;
use crate::{
    api::admin::UserSummary,
    model::{Role, UserId},
};

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    username: String,
    role: String,
    active: bool,
    created_at: i64,
}

/// Every account, ordered by name (case-insensitively). Password hashes never leave the table.
pub async fn list_user_summaries(pool: &SqlitePool) -> AppResult<Vec<UserSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT id, username, role, active, created_at FROM users
         ORDER BY username COLLATE NOCASE, id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserSummary {
            id: UserId(r.id),
            username: r.username,
            role: if r.role == "admin" { Role::Admin } else { Role::User },
            active: r.active,
            created_at: r.created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{db, settings, users};

    async fn temp_pool() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = db::open(&dir.path().join("t.db")).await.unwrap();
        (dir, pool)
    }

    #[tokio::test]
    async fn user_list_shows_roles_in_name_order() {
        let (_dir, pool) = temp_pool().await;
        users::insert_user(&pool, "zoe", "password-1", Role::User).await.unwrap();
        users::insert_user(&pool, "Adam", "password-2", Role::Admin).await.unwrap();
        users::insert_user(&pool, "bea", "password-3", Role::User).await.unwrap();

        let list = list_user_summaries(&pool).await.unwrap();
        let names: Vec<&str> = list.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["Adam", "bea", "zoe"]);
        assert_eq!(list[0].role, Role::Admin);
        assert_eq!(list[1].role, Role::User);
        assert!(list.iter().all(|u| u.active && u.created_at > 1_600_000_000));
    }

    #[tokio::test]
    async fn closing_registration_refuses_new_accounts() {
        let (_dir, pool) = temp_pool().await;
        users::register(&pool, "first", "password-1").await.unwrap();
        settings::set_registration_open(&pool, false).await.unwrap();
        assert!(!settings::registration_open(&pool).await.unwrap());
        assert!(users::register(&pool, "second", "password-2").await.is_err());

        settings::set_registration_open(&pool, true).await.unwrap();
        let second = users::register(&pool, "second", "password-2").await.unwrap();
        assert_eq!(second.role, Role::User);
        assert_eq!(list_user_summaries(&pool).await.unwrap().len(), 2);
    }
}
