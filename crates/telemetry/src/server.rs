//! The HTTP endpoints: `/metrics`, `/healthz`, `/readyz`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Semaphore};

use crate::health::Health;
use crate::metrics::Metrics;

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address could not be bound (in use, not local, not `HOST:PORT`).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address given.
        addr: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The background thread or its runtime could not start.
    #[error("cannot start the metrics endpoint thread")]
    Thread(#[source] std::io::Error),
    /// The server failed while running.
    #[error("metrics endpoint failed")]
    Serve(#[source] std::io::Error),
}

#[derive(Clone)]
struct Endpoints {
    metrics: Metrics,
    health: Health,
}

/// Binds `addr` (`HOST:PORT`; port 0 picks a free one, see
/// [`TcpListener::local_addr`]).
pub async fn bind(addr: &str) -> Result<TcpListener, Error> {
    TcpListener::bind(addr).await.map_err(|source| Error::Bind {
        addr: addr.to_string(),
        source,
    })
}

/// Serves `/metrics` (the global metrics, text format), `/healthz` and `/readyz`
/// on `listener` until `shutdown` completes. Spawn it on the service's runtime:
/// `tokio::spawn(serve(listener, health.clone(), shutdown))`.
pub async fn serve(
    listener: TcpListener,
    health: Health,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    serve_metrics(listener, Metrics::global().clone(), health, shutdown).await
}

/// Like [`serve`], for the given metrics (tests).
pub async fn serve_metrics(
    listener: TcpListener,
    metrics: Metrics,
    health: Health,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let app = Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(Endpoints { metrics, health });
    serve_connections(listener, app, shutdown).await;
    Ok(())
}

/// A client must send its request headers within this time.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection is closed after this time, whatever it is doing.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// Most connections served at once; more wait in the accept queue.
const MAX_CONNECTIONS: usize = 64;

/// Accepts connections until `shutdown`, each served with a header-read timeout, no
/// keep-alive (a connection ends with its response, so none sits idle) and a cap on
/// its lifetime, so that a slow or silent client cannot hold a connection or a task.
async fn serve_connections(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => return,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_closed) => return,
            },
        };
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(%error, "Metrics endpoint cannot accept a connection.");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service);
            match tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
                Ok(Ok(())) | Err(_) => {}
                Ok(Err(error)) => {
                    tracing::debug!(%error, "Metrics connection ended with an error.")
                }
            }
        });
    }
}

async fn metrics_text(State(endpoints): State<Endpoints>) -> Response {
    match endpoints.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], text).into_response(),
        Err(error) => {
            tracing::warn!(%error, "Failed to encode metrics.");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode metrics\n").into_response()
        }
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(endpoints): State<Endpoints>) -> (StatusCode, &'static str) {
    if endpoints.health.is_ready() {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// The endpoint running on its own thread (see [`spawn`]). Dropping it stops the
/// server and waits for the thread.
#[derive(Debug)]
pub struct BackgroundServer {
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl BackgroundServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already have stopped on its own; nothing to tell then.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("Metrics endpoint thread panicked.");
            }
        }
    }
}

/// Serves the global metrics and `health` on `addr` from a background thread with
/// its own single-threaded tokio runtime, for commands that are not async
/// (`newsflow process`). Binds before returning, so a bad address fails here.
pub fn spawn(addr: &str, health: Health) -> Result<BackgroundServer, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(Error::Thread)?;
    let listener = runtime.block_on(bind(addr))?;
    let local_addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: addr.to_string(),
        source,
    })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            let shutdown = async move {
                // A dropped sender also means stop.
                let _ = stopped.await;
            };
            if let Err(error) = runtime.block_on(serve(listener, health, shutdown)) {
                tracing::warn!(error = %error, "Metrics endpoint stopped.");
            }
        })
        .map_err(Error::Thread)?;
    Ok(BackgroundServer {
        local_addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}
