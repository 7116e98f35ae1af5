//! The channels page: followed channels and remote playlists with their sync state and counts.
//! Admins subscribe, sync, toggle auto-download and unsubscribe; other accounts read the list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{
        downloads::{
            list_subscriptions, SetAutoDownload, Subscribe, SyncSubscription, Unsubscribe,
        },
        ApiError,
    },
    components::{dates::format_day, notices::SignInNotice, ErrorNote},
    downloads_model::Subscription,
};

#[derive(Clone, Copy)]
struct ChannelActions {
    subscribe: ServerAction<Subscribe>,
    sync: ServerAction<SyncSubscription>,
    auto: ServerAction<SetAutoDownload>,
    remove: ServerAction<Unsubscribe>,
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let account = expect_context::<crate::shell::AccountResource>();
    let actions = ChannelActions {
        subscribe: ServerAction::new(),
        sync: ServerAction::new(),
        auto: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let subscriptions = Resource::new_blocking(
        move || {
            let a = actions;
            (
                a.subscribe.version().get(),
                a.sync.version().get(),
                a.auto.version().get(),
                a.remove.version().get(),
            )
        },
        |_| list_subscriptions(),
    );

    view! {
        <Title text="Channels" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = subscriptions.await;
                let admin = account.await.is_some_and(|a| a.is_admin());
                match list {
                    Ok(list) => view! { <ChannelsView list admin actions /> }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <SignInNotice next="/channels" /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChannelsView(list: Vec<Subscription>, admin: bool, actions: ChannelActions) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|s| view! { <SubscriptionRow subscription=s admin actions /> })
        .collect_view();
    view! {
        <header class="page-head"><h1>"Channels"</h1></header>
        {admin.then(|| view! { <SubscribeForm actions /> })}
        <ErrorNote result=move || actions.sync.value().get() />
        <ErrorNote result=move || actions.auto.value().get() />
        <ErrorNote result=move || actions.remove.value().get() />
        {if rows.is_empty() {
            view! { <p class="empty">"No subscriptions yet."</p> }.into_any()
        } else {
            view! { <ul class="subscriptions">{rows}</ul> }.into_any()
        }}
    }
}

#[component]
fn SubscribeForm(actions: ChannelActions) -> impl IntoView {
    view! {
        <section class="panel subscribe">
            <h2>"Subscribe"</h2>
            <ActionForm action=actions.subscribe attr:class="inline-form subscribe-form">
                <input name="url" type="url" placeholder="Channel or playlist URL" aria-label="URL" required />
                <select name="kind" aria-label="Kind">
                    <option value="channel">"Channel"</option>
                    <option value="playlist">"Playlist"</option>
                </select>
                <label class="depth">
                    "Newest "
                    <input name="sync_depth" type="number" min="1" max="1000" value="20" />
                    " items"
                </label>
                <label class="check">
                    <input name="auto_download" type="checkbox" value="on" checked />
                    " Download new items"
                </label>
                <button type="submit" class="primary" disabled=move || actions.subscribe.pending().get()>
                    "Subscribe"
                </button>
            </ActionForm>
            <ErrorNote result=move || actions.subscribe.value().get() />
        </section>
    }
}

#[component]
fn SubscriptionRow(
    subscription: Subscription,
    admin: bool,
    actions: ChannelActions,
) -> impl IntoView {
    let s = subscription;
    let id = s.id;
    let synced = match s.last_sync_at {
        Some(at) => format!("last sync {}", format_day(at)),
        None => "never synced".to_owned(),
    };
    let counts =
        format!("{} items · {} downloaded · {} gone upstream", s.items, s.downloaded, s.gone);
    let title = if s.title.is_empty() { s.url.clone() } else { s.title.clone() };
    let heading = match s.playlist_id {
        Some(p) => view! { <a href=format!("/playlists/{}", p.0)>{title}</a> }.into_any(),
        None => view! { <span>{title}</span> }.into_any(),
    };
    let auto_text = if s.auto_download { "auto-download on" } else { "auto-download off" };
    view! {
        <li class="job subscription" data-subscription-id=id data-sync=s.last_sync_status.clone()>
            <div class="job-head">
                <span class="job-title">{heading}</span>
                <span class="tag kind">{s.kind.clone()}</span>
                <span class=format!("status status-{}", s.last_sync_status)>{s.last_sync_status.clone()}</span>
            </div>
            <span class="job-url muted">{s.url.clone()}</span>
            <p class="muted sub-meta">{format!("{synced} · {counts} · {auto_text} · depth {}", s.sync_depth)}</p>
            {s.last_sync_error.clone().map(|e| view! { <p class="job-error">{e}</p> })}
            {admin.then(|| view! { <SubscriptionButtons id auto=s.auto_download actions /> })}
        </li>
    }
}

#[component]
fn SubscriptionButtons(id: i64, auto: bool, actions: ChannelActions) -> impl IntoView {
    view! {
        <div class="job-actions">
            <ActionForm action=actions.sync>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="sync" disabled=move || actions.sync.pending().get()>
                    "Sync now"
                </button>
            </ActionForm>
            <ActionForm action=actions.auto>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="on" value=(!auto).to_string() />
                <button type="submit" class="toggle-auto">
                    {if auto { "Turn auto-download off" } else { "Turn auto-download on" }}
                </button>
            </ActionForm>
            <details class="unsubscribe">
                <summary>"Unsubscribe"</summary>
                <ActionForm action=actions.remove>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="danger">"Yes, unsubscribe"</button>
                </ActionForm>
            </details>
        </div>
    }
}
