//! The tokio runtime the server runs on, built in one place so that the
//! benchmark's bare-axum floor (`latchkey-bench-floor`) runs on exactly the
//! same settings as `latchkey serve`.

/// The multi-thread runtime with every driver (I/O, timers) enabled.
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
