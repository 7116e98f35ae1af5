//! A tiny web site for download tests, served by axum on 127.0.0.1 inside the test process:
//! audio files made by ffmpeg, RSS podcast feeds, HTML pages, slow ("dribbled") files, and a
//! count of requests per path. Paths that were never added answer 404.

#![allow(dead_code)]

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::Path,
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Router,
};

/// How a path is answered.
#[derive(Clone)]
enum Resource {
    Whole {
        bytes: Bytes,
        content_type: String,
    },
    /// `chunk` bytes every `pause`, with the full `Content-Length` announced up front.
    Slow {
        bytes: Bytes,
        content_type: String,
        chunk: usize,
        pause: Duration,
    },
}

#[derive(Default)]
struct Site {
    resources: HashMap<String, Resource>,
    hits: HashMap<String, usize>,
}

/// The running site. It stops when the test's runtime ends.
#[derive(Clone)]
pub struct FeedServer {
    addr: SocketAddr,
    site: Arc<Mutex<Site>>,
}

impl FeedServer {
    pub async fn start() -> Self {
        let site = Arc::new(Mutex::new(Site::default()));
        let router = Router::new().fallback(serve).with_state(site.clone());
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FeedServer { addr, site }
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn add(&self, path: &str, content_type: &str, bytes: impl Into<Bytes>) {
        let resource = Resource::Whole { bytes: bytes.into(), content_type: content_type.into() };
        self.site.lock().unwrap().resources.insert(path.to_owned(), resource);
    }

    pub fn add_slow(
        &self,
        path: &str,
        content_type: &str,
        bytes: impl Into<Bytes>,
        chunk: usize,
        pause: Duration,
    ) {
        let resource =
            Resource::Slow { bytes: bytes.into(), content_type: content_type.into(), chunk, pause };
        self.site.lock().unwrap().resources.insert(path.to_owned(), resource);
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.site.lock().unwrap().hits.get(path).copied().unwrap_or(0)
    }

    /// An RSS 2.0 podcast feed at `path` whose items are `(title, enclosure path)`.
    pub fn add_feed(&self, path: &str, title: &str, items: &[(&str, &str)]) {
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
             <title>{}</title><link>{}</link><description>test feed</description>\n",
            escape(title),
            self.url("/")
        );
        for (i, (item_title, enclosure)) in items.iter().enumerate() {
            xml.push_str(&format!(
                "<item><title>{}</title><guid>item-{i}</guid>\
                 <enclosure url=\"{}\" length=\"1000\" type=\"audio/mpeg\"/></item>\n",
                escape(item_title),
                escape(&self.url(enclosure))
            ));
        }
        xml.push_str("</channel></rss>\n");
        self.add(path, "application/rss+xml", xml);
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn serve(State(site): State<Arc<Mutex<Site>>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let resource = {
        let mut site = site.lock().unwrap();
        *site.hits.entry(path.clone()).or_default() += 1;
        site.resources.get(&path).cloned()
    };
    match resource {
        None => (StatusCode::NOT_FOUND, "File not found").into_response(),
        Some(Resource::Whole { bytes, content_type }) => {
            ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Some(Resource::Slow { bytes, content_type, chunk, pause }) => {
            let length = bytes.len();
            let stream = futures::stream::unfold(0usize, move |offset| {
                let bytes = bytes.clone();
                async move {
                    if offset >= bytes.len() {
                        return None;
                    }
                    if offset > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    let end = (offset + chunk).min(bytes.len());
                    Some((Ok::<_, std::io::Error>(bytes.slice(offset..end)), end))
                }
            });
            Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .header(header::CONTENT_LENGTH, length)
                .body(Body::from_stream(stream))
                .expect("valid response")
        }
    }
}

/// A mono MP3 sine tone of `seconds`, made by ffmpeg (a missing ffmpeg fails the test), with
/// a `title` tag when given.
pub fn mp3_tone(dir: &Path, name: &str, seconds: f64, frequency: u32) -> Vec<u8> {
    let path = dir.join(name);
    let source = format!("sine=frequency={frequency}:duration={seconds}:sample_rate=22050");
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", &source])
        .args(["-c:a", "libmp3lame", "-b:a", "64k"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!("ffmpeg is required for the download tests and did not run: {e}")
        });
    assert!(output.status.success(), "ffmpeg failed: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::read(&path).expect("the tone was written")
}
