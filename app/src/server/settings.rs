//! Key/value application settings kept in the `settings` table.

use sqlx::SqlitePool;

use super::error::AppResult;

pub async fn find_setting(pool: &SqlitePool, key: &str) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await?)
}

pub async fn update_setting(pool: &SqlitePool, key: &str, value: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn registration_open(pool: &SqlitePool) -> AppResult<bool> {
    Ok(find_setting(pool, "registration_open").await?.as_deref() != Some("false"))
}

pub async fn set_registration_open(pool: &SqlitePool, open: bool) -> AppResult<()> {
    update_setting(pool, "registration_open", if open { "true" } else { "false" }).await
}
