//! `uniffi-bindgen`: generates the Kotlin and Swift sources from the built
//! `latchkey_uniffi` library (library mode). Run by `cargo xtask codegen`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
