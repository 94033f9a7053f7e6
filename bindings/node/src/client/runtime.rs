//! Where the client's futures run: napi's tokio runtime. Each call returns a
//! promise at once; the request runs on a tokio worker, and only the
//! conversion of its outcome (result or error) runs on the main thread, so
//! the event loop is never blocked by I/O.

use std::future::Future;

use latchkey_client::Error;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};

use super::convert::IntoJs;
use super::error::to_js;

/// The promise of `future`'s outcome: its value as JavaScript, or the coded
/// error of [`to_js`].
pub fn spawn<'env, T, F>(env: &'env Env, future: F) -> napi::Result<PromiseRaw<'env, Unknown<'env>>>
where
    T: IntoJs + Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    env.spawn_future_with_callback(
        async move { Ok(future.await) },
        |env, outcome| match outcome {
            Ok(value) => value.into_js(env),
            Err(error) => Err(to_js(env, error)),
        },
    )
}
