//! Accounts: creation, password checks, roles, and the registration switch.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use sqlx::SqlitePool;

use super::{
    db::now,
    error::{AppError, AppResult},
};
use crate::model::{Account, Role, UserId};

pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_USERNAME_LEN: usize = 64;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    role: String,
    password_hash: String,
    active: bool,
}

impl UserRow {
    fn account(&self) -> Account {
        let role = if self.role == "admin" { Role::Admin } else { Role::User };
        Account { id: UserId(self.id), username: self.username.clone(), role }
    }
}

/// Checks a user name: 1–64 characters of letters, digits, `.`, `_` or `-`.
pub fn validate_username(name: &str) -> AppResult<&str> {
    let name = name.trim();
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty() || name.chars().count() > MAX_USERNAME_LEN || !name.chars().all(ok_char) {
        return Err(AppError::bad_request(
            "a user name is 1 to 64 letters, digits, dots, dashes or underscores",
        ));
    }
    Ok(name)
}

pub fn validate_password(password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::bad_request(format!(
            "a password needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(AppError::bad_request("that password is too long"));
    }
    Ok(())
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Creates an account. Fails with `Conflict` when the name is taken (case-insensitively).
pub async fn insert_user(
    pool: &SqlitePool,
    username: &str,
    password: &str,
    role: Role,
) -> AppResult<Account> {
    let username = validate_username(username)?;
    validate_password(password)?;
    let hash = hash_password(password)?;

    let result = sqlx::query(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(username)
    .bind(&hash)
    .bind(role.as_str())
    .bind(now())
    .execute(pool)
    .await;
    match result {
        Ok(done) => Ok(Account {
            id: UserId(done.last_insert_rowid()),
            username: username.to_owned(),
            role,
        }),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::Conflict(format!("the user name `{username}` is taken")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Registration from the public page: the first account on an empty server becomes an admin;
/// afterwards registration must be open.
///
/// The role and the switch are decided inside the one INSERT statement, which SQLite runs under
/// its write lock: two sign-ups racing on an empty server cannot both become admins.
pub async fn register(pool: &SqlitePool, username: &str, password: &str) -> AppResult<Account> {
    let username = validate_username(username)?;
    validate_password(password)?;
    let hash = hash_password(password)?;

    let inserted: Result<Option<(i64, String)>, sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (username, password_hash, role, created_at)
         SELECT ?1, ?2, CASE WHEN (SELECT COUNT(*) FROM users) = 0 THEN 'admin' ELSE 'user' END, ?3
         WHERE (SELECT COUNT(*) FROM users) = 0
            OR COALESCE((SELECT value FROM settings WHERE key = 'registration_open'), 'true')
               <> 'false'
         RETURNING id, role",
    )
    .bind(username)
    .bind(&hash)
    .bind(now())
    .fetch_optional(pool)
    .await;
    match inserted {
        Ok(Some((id, role))) => {
            let role = if role == "admin" { Role::Admin } else { Role::User };
            Ok(Account { id: UserId(id), username: username.to_owned(), role })
        }
        Ok(None) => Err(AppError::Forbidden),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::Conflict(format!("the user name `{username}` is taken")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Checks a name and password; `None` when either is wrong or the account is disabled.
pub async fn authenticate(
    pool: &SqlitePool,
    username: &str,
    password: &str,
) -> AppResult<Option<Account>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, username, role, password_hash, active FROM users WHERE username = ?",
    )
    .bind(username.trim())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        // Spend the same time as a real check so response times do not reveal names.
        let _ = verify_password(password, DUMMY_HASH);
        return Ok(None);
    };
    Ok((row.active && verify_password(password, &row.password_hash)).then(|| row.account()))
}

/// A valid argon2id hash of a random string, used to even out timing for unknown names.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c291bmR3YXZlZHVtbXk$8eC6l5qcJ8u1Tnq0nYvq8w3fR8dJ3nqWb9X0XaZ1Q2s";

pub async fn find_user(pool: &SqlitePool, id: UserId) -> AppResult<Option<Account>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, username, role, password_hash, active FROM users WHERE id = ? AND active = 1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.account()))
}

pub async fn find_user_by_name(pool: &SqlitePool, username: &str) -> AppResult<Option<Account>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, username, role, password_hash, active FROM users WHERE username = ?",
    )
    .bind(username.trim())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.account()))
}

pub async fn list_users(pool: &SqlitePool) -> AppResult<Vec<Account>> {
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, username, role, password_hash, active FROM users ORDER BY username",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(UserRow::account).collect())
}

pub async fn list_admin_ids(pool: &SqlitePool) -> AppResult<Vec<UserId>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND active = 1")
        .fetch_all(pool)
        .await?)
}

pub async fn count_users(pool: &SqlitePool) -> AppResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?)
}

/// Creates the configured first admin when the server has no account yet.
pub async fn ensure_initial_admin(
    pool: &SqlitePool,
    admin: &super::config::InitialAdmin,
) -> AppResult<Option<Account>> {
    if count_users(pool).await? > 0 {
        return Ok(None);
    }
    insert_user(pool, &admin.username, admin.password.expose(), Role::Admin).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn usernames_reject_paths_and_spaces() {
        assert!(validate_username("alice").is_ok());
        assert!(validate_username("Zoë_1").is_ok());
        assert!(validate_username("../etc").is_err());
        assert!(validate_username("a b").is_err());
        assert!(validate_username("").is_err());
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }
}
