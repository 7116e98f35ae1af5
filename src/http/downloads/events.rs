//! Server-sent events of the download queue: `GET /api/download/events` (admin, every job) and
//! `GET /api/playlist/downloads/{id}/events` (the owner, that download's jobs). Each event is
//! `event: job` with the job's JSON row; `event: lagged` asks the page to reload its list.

use std::{collections::HashSet, convert::Infallible, sync::Arc};

use axum::{
    extract::{Path, State},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::{
    super::{
        auth::{Admin, Caller},
        error::HttpResult,
    },
    playlists::download_id,
};
use app::server::{
    downloads::{playlist_jobs, Job},
    AppState,
};

/// The SSE answer (an open stream of events).
type EventStream = Response;

pub async fn download_events(State(state): State<AppState>, Admin(_): Admin) -> EventStream {
    let receiver = state.downloads.events().subscribe();
    sse(receiver, None)
}

pub async fn playlist_download_events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> HttpResult<EventStream> {
    let receiver = state.downloads.events().subscribe();
    let jobs = playlist_jobs::job_ids(&state, &caller, download_id(&id)?).await?;
    Ok(sse(receiver, Some(Arc::new(jobs))))
}

fn sse(receiver: Receiver<Job>, only: Option<Arc<HashSet<i64>>>) -> EventStream {
    let stream = futures::stream::unfold(receiver, move |mut receiver| {
        let only = only.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(job) if only.as_ref().is_none_or(|ids| ids.contains(&job.id)) => {
                        let event = Event::default().event("job").json_data(&job).ok()?;
                        return Some((Ok::<_, Infallible>(event), receiver));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("lagged").data("")), receiver));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
