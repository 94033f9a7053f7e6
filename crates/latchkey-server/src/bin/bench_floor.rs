//! `latchkey-bench-floor`: the floor of `cargo xtask bench server`. A bare
//! axum router on the same runtime ([`latchkey_server::runtime::build`]) and
//! the same accept loop and connection handling
//! ([`latchkey_server::connections`], default limits) as `latchkey serve`,
//! answering every request with `/health`'s constant 200 body, and nothing
//! else: no layers, no request id, no log. What the benchmark measures on it
//! is the cost of the stack and the machine; what `/health` costs beyond it
//! is ours.
//!
//! Built only with the `bench-floor` feature (it is not part of the product):
//! `cargo build --release -p latchkey-server --features bench-floor --bins`.

use std::io::Write;
use std::process::ExitCode;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use latchkey_server::connections::{self, ConnectionLimits};

/// The same bytes as `GET /health` answers.
const BODY: &str = r#"{"object":"health","status":"ok"}"#;

async fn constant() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], BODY)
}

async fn serve(listen: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("latchkey listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let app = Router::new().fallback(constant);
    connections::serve(
        listener,
        app,
        ConnectionLimits::default(),
        std::future::pending(),
    )
    .await?;
    Ok(())
}

fn main() -> ExitCode {
    let listen = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => "127.0.0.1:0".to_owned(),
        [flag, address] if flag == "--listen" => address.clone(),
        _ => {
            eprintln!("usage: latchkey-bench-floor [--listen ADDR]");
            return ExitCode::from(2);
        }
    };
    let result = latchkey_server::runtime::build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(serve(&listen)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("latchkey-bench-floor: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
