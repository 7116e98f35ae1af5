//! The admin page's offline section: plays reported by browsers, how many were made offline,
//! and how often playback found its track in the device's cache.

use leptos::prelude::*;

use crate::api::offline::offline_totals;

#[component]
pub fn OfflineAdminStats() -> impl IntoView {
    let totals = Resource::new(|| (), |_| offline_totals());
    view! {
        <section class="panel offline-stats">
            <h2>"Offline listening"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match totals.await {
                        Ok(t) => {
                            let lookups = t.cache_hits + t.cache_misses;
                            let rate = if lookups > 0 {
                                format!("{:.0} %", t.cache_hits as f64 * 100.0 / lookups as f64)
                            } else {
                                "—".to_owned()
                            };
                            view! {
                                <dl class="stats">
                                    <dt>"Plays reported"</dt><dd class="stat-plays">{t.plays}</dd>
                                    <dt>"Made offline"</dt><dd class="stat-offline">{t.offline_plays}</dd>
                                    <dt>"Listeners"</dt><dd>{t.listeners}</dd>
                                    <dt>"Cache hits / misses"</dt>
                                    <dd class="stat-cache">{format!("{} / {} ({rate})", t.cache_hits, t.cache_misses)}</dd>
                                </dl>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
