//! Administration: scan the library, open or close registration, list and create accounts.
//! Only admins see the panels; the server functions refuse everyone else on their own.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{
        admin::{admin_overview, AdminPageData, CreateUser, SetRegistration, StartScan},
        ApiError,
    },
    components::{dates::format_day, notices::SignInNotice, ErrorNote},
    model::ScanReport,
};

#[component]
pub fn AdminPage() -> impl IntoView {
    let toggle = ServerAction::<SetRegistration>::new();
    let create = ServerAction::<CreateUser>::new();
    // Page-level, so a scan's report survives the panels re-rendering after other changes.
    let scan = ServerAction::<StartScan>::new();
    // Blocking, so the server sends the panels in the first HTML, not after hydration.
    let overview = Resource::new_blocking(
        move || (toggle.version().get(), create.version().get()),
        |_| admin_overview(),
    );

    view! {
        <Title text="Admin" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <AdminPanels overview=o toggle create scan /> }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <SignInNotice next="/admin" /> }.into_any(),
                    Err(ApiError::Forbidden) => view! {
                        <section class="empty notice">
                            <h1>"Administration"</h1>
                            <p>"Only administrators can use this page."</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AdminPanels(
    overview: AdminPageData,
    toggle: ServerAction<SetRegistration>,
    create: ServerAction<CreateUser>,
    scan: ServerAction<StartScan>,
) -> impl IntoView {
    let open = overview.registration_open;
    view! {
        <h1>"Administration"</h1>
        <div class="admin-grid">
            <ScanPanel scan />
            <crate::components::offline_admin::OfflineAdminStats />
            <section class="panel">
                <h2>"Registration"</h2>
                <p class="registration-state">
                    {if open {
                        "Open: anyone who can reach this server can create an account."
                    } else {
                        "Closed: only administrators can create accounts."
                    }}
                </p>
                <ActionForm action=toggle>
                    <input type="hidden" name="open" value=(!open).to_string() />
                    <button type="submit" disabled=move || toggle.pending().get()>
                        {if open { "Close registration" } else { "Open registration" }}
                    </button>
                </ActionForm>
                <ErrorNote result=move || toggle.value().get() />
            </section>
        </div>
        <UsersPanel users=overview.users create />
    }
}

#[component]
fn ScanPanel(scan: ServerAction<StartScan>) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Library"</h2>
            <p class="muted">"Indexes new, changed and removed files under the media folder."</p>
            <ActionForm action=scan>
                <button type="submit" class="primary" disabled=move || scan.pending().get()>
                    {move || if scan.pending().get() { "Scanning…" } else { "Scan the library now" }}
                </button>
            </ActionForm>
            <ErrorNote result=move || scan.value().get() />
            {move || scan.value().get().and_then(Result::ok).map(|r| view! { <ScanResult report=r /> })}
        </section>
    }
}

#[component]
fn ScanResult(report: ScanReport) -> impl IntoView {
    let counts = [
        ("added", report.added),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("skipped", report.skipped),
        ("removed", report.removed),
    ];
    view! {
        <dl class="scan-report" role="status">
            {counts
                .into_iter()
                .map(|(label, n)| view! { <div><dt>{label}</dt><dd>{n}</dd></div> })
                .collect_view()}
        </dl>
        {(!report.problems.is_empty()).then(|| view! {
            <details class="scan-problems" open>
                <summary>{format!("{} problems", report.problems.len())}</summary>
                <ul>
                    {report.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </details>
        })}
    }
}

#[component]
fn UsersPanel(
    users: Vec<crate::api::admin::UserSummary>,
    create: ServerAction<CreateUser>,
) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            view! {
                <tr>
                    <td>{u.username}</td>
                    <td><span class=format!("role role-{}", u.role.as_str())>{u.role.as_str()}</span></td>
                    <td>{if u.active { "active" } else { "disabled" }}</td>
                    <td>{format_day(u.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Users"</h2>
            <table class="users">
                <thead>
                    <tr><th>"User"</th><th>"Role"</th><th>"State"</th><th>"Created"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Create a user"</h3>
            <ActionForm action=create attr:class="inline-form create-user">
                <input name="username" placeholder="User name" aria-label="User name" required />
                <input
                    name="password"
                    type="password"
                    placeholder="Password (8+ characters)"
                    aria-label="Password"
                    autocomplete="new-password"
                    minlength="8"
                    required
                />
                <select name="role" aria-label="Role">
                    <option value="user" selected>"user"</option>
                    <option value="admin">"admin"</option>
                </select>
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    "Create user"
                </button>
            </ActionForm>
            <ErrorNote result=move || create.value().get() />
            {move || create.value().get().and_then(Result::ok).map(|name| view! {
                <p class="success" role="status">{format!("Created {name}.")}</p>
            })}
        </section>
    }
}
