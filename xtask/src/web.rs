//! `cargo xtask web`: the browser page, `yjb-return.html`, one self-contained file.
//!
//! The engine's shell for the browser (`web/`, a cdylib) is built for `wasm32-unknown-unknown`
//! with the `web` profile, gzipped and inlined as base64 into `web/page/index.html` beside the
//! page's style, its script and its worker's script. No tool beyond cargo is needed: the module
//! has a small interface of its own (`web/src/abi.rs`), not wasm-bindgen's generated glue, and
//! the browser's own `DecompressionStream` unpacks it.
//!
//! The page's Content-Security-Policy allows exactly what it does: its one script (by its
//! SHA-256, so no other script can run), compiling WebAssembly, a worker from a `blob:` URL,
//! inline style; and no connection, frame, image, font, form or base of any kind.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64_std::encode;
use sha2::Digest;

/// What `web` was asked for.
pub struct Options {
    pub out: PathBuf,
}

/// `web [--out DIR]`.
pub fn options(workspace: &Path, args: &[String]) -> Options {
    let mut o = Options {
        out: workspace.join("target/web"),
    };
    for (flag, value) in crate::bench::options(args) {
        match flag {
            "--out" => o.out = PathBuf::from(value),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// Builds the module and writes the page; returns its path.
pub fn run(workspace: &Path, o: &Options) -> PathBuf {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace)
        .args([
            "build",
            "--locked",
            "-p",
            "yjb-return-web",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "web",
        ])
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the WebAssembly module failed");
    let wasm_path = workspace.join("target/wasm32-unknown-unknown/web/yjb_return_web.wasm");
    let wasm = std::fs::read(&wasm_path).expect("read the WebAssembly module");
    let page = assemble(workspace, &wasm);
    std::fs::create_dir_all(&o.out).expect("create the output folder");
    let path = o.out.join("yjb-return.html");
    std::fs::write(&path, &page).expect("write the page");
    println!(
        "{}: {:.2} MB (the module {:.2} MB, {:.2} MB gzipped)",
        path.display(),
        page.len() as f64 / 1e6,
        wasm.len() as f64 / 1e6,
        gzip(&wasm).len() as f64 / 1e6
    );
    path
}

/// The page, given the module's bytes.
pub fn assemble(workspace: &Path, wasm: &[u8]) -> String {
    let read = |name: &str| {
        std::fs::read_to_string(workspace.join("web/page").join(name))
            .unwrap_or_else(|e| panic!("read web/page/{name}: {e}"))
    };
    let template = read("index.html");
    let script = read("page.js");
    let worker = read("worker.js");
    for (name, text) in [("page.js", &script), ("worker.js", &worker)] {
        assert!(
            !text.to_ascii_lowercase().contains("</script"),
            "web/page/{name} must not hold </script, which would end its element early"
        );
    }
    // The inline script exactly as it stands between its tags: its hash is what the policy
    // allows.
    let inline = format!("\n{script}\n");
    let hash = encode(&sha2::Sha256::digest(inline.as_bytes()));
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}' 'wasm-unsafe-eval'; worker-src blob:; \
         style-src 'unsafe-inline'; connect-src 'none'; img-src 'none'; font-src 'none'; \
         media-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; \
         base-uri 'none'"
    );
    let definitions =
        yjb_return::definitions::Definitions::newest(&yjb_return::definitions::Source::Embedded)
            .expect("the embedded definitions");
    let mut page = template;
    for (key, value) in [
        ("{{CSP}}", csp.as_str()),
        ("{{VERSION}}", &format!("v{}", yjb_return::VERSION)),
        ("{{DEFINITIONS}}", definitions.as_str()),
        ("{{STYLE}}", read("style.css").trim_end()),
        ("{{WORKER}}", worker.trim_end()),
        ("{{WASM}}", &encode(&gzip(wasm))),
    ] {
        assert!(page.contains(key), "index.html has no {key}");
        page = page.replace(key, value);
    }
    // Last, so that nothing in the script is taken for a placeholder.
    let placeholder = "<script>\n{{PAGE}}\n</script>";
    assert!(
        page.contains(placeholder),
        "index.html has no {{{{PAGE}}}} script"
    );
    page.replacen(placeholder, &format!("<script>{inline}</script>"), 1)
}

/// The module gzipped as the browser's `DecompressionStream("gzip")` reads it: no name and
/// no time in the header, so the page is the same for the same module.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}

/// Base64 (RFC 4648, with padding), as `atob` and the policy's hashes read it.
mod base64_std {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> shift) as usize & 63] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
        }
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_page_allows_its_own_script_and_nothing_else() {
        let workspace = crate::workspace();
        let page = assemble(&workspace, b"\0asm");
        let csp = page
            .split("http-equiv=\"Content-Security-Policy\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a policy");
        for must in [
            "default-src 'none'",
            "connect-src 'none'",
            "frame-src 'none'",
            "img-src 'none'",
            "worker-src blob:",
            "'wasm-unsafe-eval'",
        ] {
            assert!(csp.contains(must), "{must} not in {csp}");
        }
        assert!(!csp.contains("'unsafe-inline' 'wasm") && !csp.contains("script-src 'unsafe"));
        // The one script that runs is the one hashed.
        let script = page
            .rsplit("<script>")
            .next()
            .and_then(|s| s.split("</script>").next())
            .unwrap();
        let hash = encode(&sha2::Sha256::digest(script.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")));
        assert_eq!(page.matches("<script>").count(), 1);
        assert!(!page.contains("{{"), "a placeholder was left");
        // The page names the tool's version (the engine's), not the developer tasks'.
        assert!(page.contains(&format!("yjb-return v{}", yjb_return::VERSION)));
        // Nothing in the page names a place on the network.
        for scheme in ["http://", "https://", "//cdn", "src=\"http"] {
            assert!(!page.contains(scheme), "{scheme} in the page");
        }
    }
}
