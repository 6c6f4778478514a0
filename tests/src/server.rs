//! A static-file server for the built page, on 127.0.0.1 at a free port.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::thread::JoinHandle;

use tokio::sync::oneshot;
use tower_http::services::ServeDir;

/// A running server for one folder. Dropping it stops the server.
///
/// It runs on its own thread and Tokio runtime, so it keeps serving requests
/// while a test's runtime is busy or already shut down. Content types come from
/// `mime_guess` through tower-http's `ServeDir`: `.wasm` is served as
/// `application/wasm`, which `WebAssembly.instantiateStreaming` requires, and
/// `.js` as `text/javascript`. The tests in this file check both.
pub struct StaticServer {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Starts serving `root`; `/` returns `root/index.html`.
    pub fn start(root: &Path) -> StaticServer {
        StaticServer::start_under(root, "/")
    }

    /// Starts serving `root` under the URL path `prefix`, such as
    /// `/some/sub/path`, as a static host serves a site from a sub-path.
    /// Other paths get 404. Under a prefix every response carries
    /// `Cache-Control: no-store`, so a page that loads with the server
    /// stopped came from its service worker, not from the HTTP cache.
    pub fn start_under(root: &Path, prefix: &str) -> StaticServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("failed to bind a free port on 127.0.0.1 for the static server");
        listener
            .set_nonblocking(true)
            .expect("failed to make the static server's listener non-blocking");
        let address = listener
            .local_addr()
            .expect("failed to read the static server's address");

        let (shutdown, shutdown_received) = oneshot::channel::<()>();
        let root = root.to_path_buf();
        let prefix = prefix.to_string();
        let thread = std::thread::Builder::new()
            .name("static-server".to_string())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("failed to build the static server's Tokio runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("failed to register the static server's listener with Tokio");
                    let files = ServeDir::new(root);
                    let app = if prefix == "/" {
                        axum::Router::new().fallback_service(files)
                    } else {
                        axum::Router::new()
                            .nest_service(&prefix, files)
                            .layer(axum::middleware::map_response(no_store))
                    };
                    // Stop at once rather than with axum's graceful shutdown,
                    // which would wait for the browser's keep-alive connections.
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(error) = result {
                                eprintln!("static server on {address} failed: {error}");
                            }
                        }
                        _ = shutdown_received => {}
                    }
                });
            })
            .expect("failed to spawn the static server's thread");

        StaticServer {
            address,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// Returns the base URL, such as `http://127.0.0.1:41234`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// Forbids the browser to keep `response` in its HTTP cache.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // An error means the server task has already ended.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was already printed by the panic hook.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use super::*;

    /// Sends a GET request and returns the status line and the Content-Type value.
    fn fetch_head(server: &StaticServer, path: &str) -> (String, Option<String>) {
        let mut stream =
            TcpStream::connect(server.address).expect("failed to connect to the server");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("failed to set a read timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.address
        )
        .expect("failed to send the request");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .expect("failed to read the response");
        let response = String::from_utf8_lossy(&response);
        let head = response.split("\r\n\r\n").next().unwrap_or_default();
        let mut lines = head.lines();
        let status = lines.next().unwrap_or_default().to_string();
        let content_type = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.trim().to_string());
        (status, content_type)
    }

    #[test]
    fn serves_content_types() {
        let root = tempfile::tempdir().expect("failed to create a temporary folder");
        fs::write(root.path().join("index.html"), "<!DOCTYPE html>").unwrap();
        fs::write(root.path().join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(root.path().join("app.js"), "export {};").unwrap();
        let server = StaticServer::start(root.path());

        let cases = [
            ("/", "text/html"),
            ("/index.html", "text/html"),
            ("/app_bg.wasm", "application/wasm"),
            ("/app.js", "text/javascript"),
        ];
        for (path, expected) in cases {
            let (status, content_type) = fetch_head(&server, path);
            assert!(
                status.starts_with("HTTP/1.1 200"),
                "GET {path}: expected status 200, got {status:?}"
            );
            let content_type = content_type.unwrap_or_default();
            assert!(
                content_type.starts_with(expected),
                "GET {path}: expected Content-Type {expected}, got {content_type:?}"
            );
        }

        let (status, _) = fetch_head(&server, "/missing.js");
        assert!(
            status.starts_with("HTTP/1.1 404"),
            "GET /missing.js: expected status 404, got {status:?}"
        );
    }

    #[test]
    fn drop_stops_server() {
        let root = tempfile::tempdir().expect("failed to create a temporary folder");
        let server = StaticServer::start(root.path());
        let address = server.address;
        drop(server);
        assert!(
            TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_err(),
            "the server on {address} still accepts connections after it was dropped"
        );
    }
}
