//! Administration: library scan.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::library::StartScan;
use crate::components::{ErrorNote, RequireAccount};

#[component]
pub fn AdminPage() -> impl IntoView {
    let scan = ServerAction::<StartScan>::new();
    view! {
        <Title text="Admin" />
        <RequireAccount>
            <h1>"Administration"</h1>
            <ActionForm action=scan>
                <button type="submit" class="primary">"Scan the library now"</button>
            </ActionForm>
            <ErrorNote result=move || scan.value().get() />
        </RequireAccount>
    }
}
