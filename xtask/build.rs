//! Records the triple xtask is compiled for (the host), which the Node build
//! compares with the `--target` napi passes (see `src/napi_cargo.rs`).

fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=LATCHKEY_XTASK_HOST={target}");
}
