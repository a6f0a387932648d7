//! The WebAssembly module's stack: 8 MiB instead of the linker's 1 MiB, so that reading a
//! deeply nested file never runs past it (WebAssembly has no guard page to stop it there).

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=8388608");
    }
}
