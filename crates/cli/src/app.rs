//! `walkaway app`: serves the in-browser app (crates/web/site, built by
//! `crates/web/build-site.sh`) from files embedded in this binary at build time, on 127.0.0.1.
//!
//! Static files only: no API, no data on this side; the page analyses the exports inside the
//! browser and its CSP (`connect-src 'none'`) forbids it to send anything, even here. The
//! server answers GET and HEAD for the embedded paths and nothing else; it refuses a Host that
//! is not the address it printed (DNS rebinding) and an Origin that is not that origin. It is
//! a small blocking HTTP/1.1 server: one request per connection, bounded request size, time
//! limits, and a cap on connections handled at once.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::config::AppSettings;

/// The site's files, embedded by build.rs (empty when the site was not built).
mod site {
    include!(concat!(env!("OUT_DIR"), "/site_assets.rs"));
}

/// One embedded file: its URL path (`/index.html`) and bytes.
pub type Asset = (&'static str, &'static [u8]);

/// The policy of every response (and of the page's own `<meta>`): nothing may be fetched or
/// sent; scripts only from this origin, WebAssembly compiled from bytes the script holds.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src data:; connect-src 'none'; \
     frame-src 'self' about: data:; base-uri 'none'; form-action 'none'";

/// Requests larger than this (request line and headers) are refused.
const MAX_HEAD: usize = 16 * 1024;
/// Connections handled at once; more wait in the listen queue (or get a 503).
const MAX_CONNECTIONS: usize = 32;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// What a `walkaway` built before the site shows instead of the app.
const NOT_BUILT: &[u8] = b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>walkaway app: not built</title></head><body style=\"font-family:system-ui,sans-serif;\
max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5\">\
<h1>The app is not in this walkaway yet</h1>\
<p>This <code>walkaway</code> was built before the in-browser app. To build it, run \
<code>crates/web/build-site.sh</code> in the walkaway source folder, then rebuild walkaway \
(<code>cargo build --release</code>) and run <code>walkaway app</code> again.</p>\
<p>Everything else works without it: <code>walkaway report EXPORT --html report.html</code> \
writes the same report as a file.</p></body></html>\n";

static FALLBACK: [Asset; 1] = [("/index.html", NOT_BUILT)];

/// The files `walkaway app` serves.
pub fn assets() -> &'static [Asset] {
    if site::ASSETS.iter().any(|(p, _)| *p == "/index.html") {
        site::ASSETS
    } else {
        &FALLBACK
    }
}

/// True when the app's files were embedded at build time.
pub fn built() -> bool {
    assets().len() > 1
}

pub fn run(s: &AppSettings) -> Result<()> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, s.port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", s.port))?;
    let port = listener.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}/");
    if !built() {
        eprintln!(
            "walkaway: note: this walkaway was built without the app; run \
             crates/web/build-site.sh, then rebuild walkaway (the page at {url} says the same)"
        );
    }
    // A closed stdout (the caller read the URL and went) must not stop the server: write
    // errors are ignored here, where println! would panic.
    let mut out = io::stdout().lock();
    let _ = write!(
        out,
        "walkaway app is at {url}\nIt runs in your browser; nothing you open there leaves this \
         computer. Ctrl-C stops it.\n"
    )
    .and_then(|()| out.flush());
    drop(out);
    if s.open {
        open_browser(&url);
    }
    serve(listener, assets(), &AtomicBool::new(false)).context("serving the app")
}

/// Opens `url` with the platform's opener; says what to do when there is none.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reap the opener when it exits, without waiting for it here.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => eprintln!("walkaway: could not open a browser; open {url} yourself"),
    }
}

/// Serves `assets` on `listener` until `shutdown` is set (checked between connections, at
/// least every 50 ms). The listener must be bound to a loopback address: the Host check
/// accepts only `127.0.0.1:PORT` and `localhost:PORT`.
pub fn serve(listener: TcpListener, assets: &'static [Asset], shutdown: &AtomicBool) -> Result<()> {
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let active = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<()> {
        while !shutdown.load(Ordering::Relaxed) {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                Err(e) if is_transient(&e) => continue,
                Err(e) => return Err(e.into()),
            };
            if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::AcqRel);
                let _ = prepare(&stream).and_then(|()| {
                    respond(&stream, &Response::error(503, "busy; try again"), false)
                });
                continue;
            }
            let active = &active;
            let spawned = std::thread::Builder::new()
                .name("walkaway-app".into())
                .spawn_scoped(scope, move || {
                    // A client that goes away mid-request is its own business.
                    let _ = handle(stream, port, assets);
                    active.fetch_sub(1, Ordering::AcqRel);
                });
            if spawned.is_err() {
                active.fetch_sub(1, Ordering::AcqRel);
            }
        }
        Ok(())
    })
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::TimedOut
    )
}

fn prepare(stream: &TcpStream) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))
}

/// Reads one request, answers it and closes the connection.
fn handle(stream: TcpStream, port: u16, assets: &'static [Asset]) -> io::Result<()> {
    prepare(&stream)?;
    let head = match read_head(&stream)? {
        Some(head) => head,
        None => return Ok(()),
    };
    let (response, head_only) = match parse(&head) {
        Ok(req) => (answer(&req, port, assets), req.method == "HEAD"),
        Err(status) => (Response::error(status, "bad request"), false),
    };
    respond(&stream, &response, head_only)?;
    stream.shutdown(std::net::Shutdown::Both).or(Ok(()))
}

/// The request line and headers, up to the blank line; `None` when the client sent nothing.
fn read_head(stream: &TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64 + 1));
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader.read_until(b'\n', &mut head)?;
        if n == 0 {
            // End of stream before the blank line: an empty connection, or a cut request.
            return Ok((!head.is_empty()).then_some(head));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(Some(head));
        }
    }
}

/// A parsed request: the parts the server looks at.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    host: Option<String>,
    origin: Option<String>,
}

/// Parses the request line and headers; an error is the status to answer with.
fn parse(head: &[u8]) -> std::result::Result<Request, u16> {
    if head.len() > MAX_HEAD {
        return Err(431);
    }
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().ok_or(400u16)?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(505);
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(400);
    }
    let mut req = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        host: None,
        origin: None,
    };
    for line in lines {
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(400);
        }
        let value = value.trim().to_owned();
        let slot = if name.eq_ignore_ascii_case("host") {
            &mut req.host
        } else if name.eq_ignore_ascii_case("origin") {
            &mut req.origin
        } else {
            continue;
        };
        // Two Host (or Origin) headers: ambiguous, refused.
        if slot.replace(value).is_some() {
            return Err(400);
        }
    }
    Ok(req)
}

/// The answer to a well-formed request.
fn answer(req: &Request, port: u16, assets: &'static [Asset]) -> Response {
    let ours = |authority: &str| {
        let a = authority.to_ascii_lowercase();
        a == format!("127.0.0.1:{port}") || a == format!("localhost:{port}")
    };
    match req.host.as_deref() {
        Some(h) if ours(h) => {}
        // DNS rebinding: a page of another site whose name now points here.
        _ => {
            return Response::error(
                421,
                "this server answers only at the address walkaway app printed",
            );
        }
    }
    if let Some(origin) = req.origin.as_deref() {
        let own = origin.strip_prefix("http://").is_some_and(ours);
        if !own {
            return Response::error(403, "requests from other sites are refused");
        }
    }
    if req.method != "GET" && req.method != "HEAD" {
        let mut r = Response::error(405, "only GET and HEAD");
        r.extra = Some(("Allow", "GET, HEAD"));
        return r;
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/')
        || path.contains("..")
        || path.contains('%')
        || path.contains('\\')
        || path.contains("//")
        || path.bytes().any(|b| b.is_ascii_control())
    {
        return Response::error(400, "bad path");
    }
    let path = if path == "/" { "/index.html" } else { path };
    match assets.iter().find(|(p, _)| *p == path) {
        Some((p, body)) => Response {
            status: 200,
            content_type: content_type(p),
            body,
            extra: None,
        },
        None => Response::error(404, "not found"),
    }
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: &'static [u8],
    extra: Option<(&'static str, &'static str)>,
}

impl Response {
    fn error(status: u16, message: &'static str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: message.as_bytes(),
            extra: None,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

fn respond(mut stream: &TcpStream, r: &Response, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {CSP}\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nCross-Origin-Opener-Policy: same-origin\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\nCache-Control: no-store\r\n\
         Connection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if let Some((name, value)) = r.extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(r.body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    static SITE: [Asset; 3] = [
        ("/index.html", b"<!DOCTYPE html><title>t</title>"),
        ("/app.js", b"'use strict';"),
        ("/walkaway_web_bg.wasm", b"\0asm"),
    ];

    struct Server {
        addr: SocketAddr,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<Result<()>>>,
    }

    impl Server {
        fn start() -> Server {
            let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).unwrap();
            let addr = listener.local_addr().unwrap();
            let stop = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&stop);
            let thread = std::thread::spawn(move || serve(listener, &SITE, &flag));
            Server {
                addr,
                stop,
                thread: Some(thread),
            }
        }

        /// Sends raw bytes, returns the whole response as text.
        fn raw(&self, request: &str) -> String {
            let mut s = TcpStream::connect(self.addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        }

        fn get(&self, path: &str, extra: &str) -> String {
            let port = self.addr.port();
            self.raw(&format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n"
            ))
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::Relaxed);
            if let Some(t) = self.thread.take() {
                assert!(t.join().unwrap().is_ok());
            }
        }
    }

    fn status(response: &str) -> &str {
        response.get(9..12).unwrap_or("")
    }

    #[test]
    fn serves_the_embedded_files_with_the_headers() {
        let s = Server::start();
        let r = s.get("/", "");
        assert_eq!(status(&r), "200", "{r}");
        assert!(r.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(r.ends_with("<!DOCTYPE html><title>t</title>"));
        for header in [
            "Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval';",
            "connect-src 'none'",
            "X-Content-Type-Options: nosniff\r\n",
            "Referrer-Policy: no-referrer\r\n",
            "Cross-Origin-Opener-Policy: same-origin\r\n",
            "Cache-Control: no-store\r\n",
        ] {
            assert!(r.contains(header), "missing {header} in {r}");
        }
        let js = s.get("/app.js?v=1", "");
        assert_eq!(status(&js), "200");
        assert!(js.contains("Content-Type: text/javascript; charset=utf-8\r\n"));
        let wasm = s.get("/walkaway_web_bg.wasm", "");
        assert!(wasm.contains("Content-Type: application/wasm\r\n"));
        // localhost is the same machine by name.
        let port = s.addr.port();
        let r = s.raw(&format!(
            "HEAD /app.js HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\r\n"
        ));
        assert_eq!(status(&r), "200", "{r}");
        assert!(r.contains("Content-Length: 13\r\n"));
        assert!(r.ends_with("\r\n\r\n"), "HEAD has no body: {r}");
    }

    #[test]
    fn refuses_other_hosts_origins_methods_and_paths() {
        let s = Server::start();
        let port = s.addr.port();
        for (request, want) in [
            // DNS rebinding: another name, or another port.
            (
                format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
                "421",
            ),
            (
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n".to_owned(),
                "421",
            ),
            ("GET / HTTP/1.1\r\n\r\n".to_owned(), "421"),
            (
                format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n"),
                "400",
            ),
            (
                format!(
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n\r\n"
                ),
                "403",
            ),
            (
                format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: null\r\n\r\n"),
                "403",
            ),
            (
                format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"),
                "405",
            ),
            (
                format!("GET /../Cargo.toml HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "400",
            ),
            (
                format!("GET /%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "400",
            ),
            (
                format!("GET /..%2fCargo.toml HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "400",
            ),
            (
                format!("GET //etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "400",
            ),
            (
                format!("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "400",
            ),
            (
                format!("GET /Cargo.toml HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "404",
            ),
            (
                format!("GET /src/main.rs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
                "404",
            ),
            ("GET / HTTP/2.0\r\n\r\n".to_owned(), "505"),
            ("nonsense\r\n\r\n".to_owned(), "400"),
        ] {
            let r = s.raw(&request);
            assert_eq!(status(&r), want, "{request:?} -> {r}");
            assert!(r.contains("X-Content-Type-Options: nosniff"), "{r}");
            assert!(!r.contains("<!DOCTYPE"), "no file in a refusal: {r}");
        }
        let huge = format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD)
        );
        assert_eq!(status(&s.raw(&huge)), "431");
        // The server is still there after all that.
        assert_eq!(status(&s.get("/index.html", "")), "200");
    }

    #[test]
    fn a_silent_or_cut_connection_does_not_stop_the_server() {
        let s = Server::start();
        drop(TcpStream::connect(s.addr).unwrap());
        let mut half = TcpStream::connect(s.addr).unwrap();
        half.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
        drop(half);
        assert_eq!(status(&s.get("/", "")), "200");
    }

    #[test]
    fn the_app_listens_on_loopback_only() {
        // What `run` binds: 127.0.0.1, a free port.
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.port(), 0);
        let src = include_str!("app.rs");
        let binds = src.matches(concat!("TcpListener::", "bind(")).count();
        let loopback = src
            .matches(concat!(
                "TcpListener::",
                "bind(SocketAddr::from((Ipv4Addr::LOCALHOST"
            ))
            .count();
        assert_eq!(binds, loopback, "every bind in app.rs is to 127.0.0.1");
    }

    #[test]
    fn a_walkaway_without_the_site_says_how_to_build_it() {
        let text = String::from_utf8_lossy(NOT_BUILT);
        assert!(text.contains("crates/web/build-site.sh"));
        assert!(text.contains("rebuild walkaway"));
        assert!(assets().iter().any(|(p, _)| *p == "/index.html"));
    }
}
