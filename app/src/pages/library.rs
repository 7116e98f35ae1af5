//! The library page: full-text search, sort and paging over the caller's tracks.
//! The search form is a plain GET form, so the page works before (and without) the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::{
    api::library::list_tracks,
    components::{track_list::TrackList, RequireAccount},
    model::{TrackPage, TrackSort},
};

#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <Title text="Library" />
        <RequireAccount>
            <Library />
        </RequireAccount>
    }
}

#[component]
fn Library() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let sort =
        move || query.read().get("sort").and_then(|s| TrackSort::parse(&s)).unwrap_or_default();
    let page =
        move || query.read().get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1);
    let tracks =
        Resource::new(move || (q(), sort(), page()), |(q, sort, page)| list_tracks(q, sort, page));

    view! {
        <header class="page-head">
            <h1>"Library"</h1>
            <Form method="GET" action="" attr:class="search" attr:role="search">
                <input
                    type="search"
                    name="q"
                    placeholder="Search title, artist or album"
                    aria-label="Search"
                    prop:value=q
                />
                <select name="sort" aria-label="Sort by">
                    {TrackSort::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=move || sort() == s>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit">"Search"</button>
            </Form>
        </header>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tracks.await {
                    Ok(page) => view! { <Results page q=q() sort=sort() /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Results(page: TrackPage, q: String, sort: TrackSort) -> impl IntoView {
    let pages = ((page.total + page.page_size - 1) / page.page_size).max(1);
    let link = move |n: i64| {
        let mut url = format!("/library?sort={}&page={n}", sort.as_str());
        if !q.is_empty() {
            url.push_str("&q=");
            url.push_str(&urlencode(&q));
        }
        url
    };
    let prev = (page.page > 1).then(|| link(page.page - 1));
    let next = (page.page < pages).then(|| link(page.page + 1));
    let summary = format!("{} tracks · page {} of {}", page.total, page.page, pages);

    view! {
        <p class="muted result-count">{summary}</p>
        {if page.data.is_empty() {
            view! { <p class="empty">"No tracks match."</p> }.into_any()
        } else {
            view! { <TrackList tracks=page.data /> }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {prev.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
        </nav>
    }
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
