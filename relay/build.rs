//! Embed the built page (web/dist) into the binary, each text or wasm file with a brotli
//! (quality 11, 16 MiB window) and a gzip (zopfli: DEFLATE about 5 % smaller than gzip -9) copy
//! made here, so any build of the relay serves the page compressed by content negotiation
//! (relay/src/assets.rs) without spending CPU per request: a few seconds once per page build
//! instead of a compression per request. Without a page build, the relay serves a page that
//! says how to build it.

use std::fmt::Write;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, root, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push((rel.to_string_lossy().replace('\\', "/"), path));
        }
    }
}

/// Files worth compressing (images such as PNG are already compressed).
fn compressible(rel: &str) -> bool {
    matches!(
        rel.rsplit('.').next().unwrap_or_default(),
        "html" | "js" | "mjs" | "css" | "wasm" | "svg" | "json" | "txt" | "map"
    )
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = data;
    if let Err(e) = brotli::BrotliCompress(&mut input, &mut out, &params) {
        panic!("brotli: {e}");
    }
    out
}

/// CRC-32 (IEEE 802.3, reflected), as the gzip trailer needs it.
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// A gzip member (RFC 1952): fixed header without a name or time (reproducible), the raw
/// DEFLATE stream (zopfli), CRC-32 and length.
fn gzip(data: &[u8]) -> Vec<u8> {
    use zopfli::Write as _;
    // ID1 ID2, CM=8 (deflate), FLG=0, MTIME=0, XFL=2 (maximum compression), OS=255 (unknown).
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255];
    // 5 iterations instead of 15: within 0.1 % of the size, a third of the time.
    let options = zopfli::Options {
        iteration_count: std::num::NonZeroU64::new(5).unwrap_or(std::num::NonZeroU64::MIN),
        ..zopfli::Options::default()
    };
    // One write: zopfli compresses each write as its own chunk.
    let mut encoder = zopfli::DeflateEncoder::new(options, zopfli::BlockType::Dynamic, out);
    let deflated = encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .unwrap_or_else(|e| panic!("zopfli: {e}"));
    out = deflated;
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// FNV-1a, 64 bits: names a file's compressed copies by its content.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The `ext` copy of `raw` made by `compress`, kept in OUT_DIR/compressed/<content hash>.<ext>
/// (a file that did not change since the last build is not compressed again); None when the
/// copy would not save at least 5 % (then the file is served as it is).
fn copy(out_dir: &Path, raw: &[u8], ext: &str, compress: fn(&[u8]) -> Vec<u8>) -> Option<PathBuf> {
    let dir = out_dir.join("compressed");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{:016x}.{ext}", fnv1a(raw)));
    let len = match std::fs::metadata(&path) {
        Ok(m) => m.len() as usize,
        Err(_) => {
            let bytes = compress(raw);
            let mut f = std::fs::File::create(&path)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            f.write_all(&bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            bytes.len()
        }
    };
    (len as f64 <= raw.len() as f64 * 0.95).then_some(path)
}

fn include(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!("Some(include_bytes!({:?}))", p.display().to_string()),
        None => "None".to_string(),
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rerun-if-env-changed=RDPCHECK_WEB_DIST");
    let dist = std::env::var_os("RDPCHECK_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or(dist);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut files = Vec::new();
    walk(&dist, &dist, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every file of the built page: (path, bytes, brotli copy, gzip copy).\n\
         pub static ASSETS: &[Embedded] = &[\n",
    );
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        // Copies left in dist by older build steps are made here now.
        if rel.ends_with(".br") || rel.ends_with(".gz") {
            continue;
        }
        let (br, gz) = if compressible(rel) {
            let raw = std::fs::read(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            // The two compressors side by side (each is single-threaded).
            std::thread::scope(|s| {
                let br = s.spawn(|| copy(&out_dir, &raw, "br", brotli));
                let gz = copy(&out_dir, &raw, "gz", gzip);
                (br.join().unwrap_or_else(|_| panic!("brotli failed")), gz)
            })
        } else {
            (None, None)
        };
        let _ = writeln!(
            code,
            "    Embedded {{ path: {rel:?}, raw: include_bytes!({:?}), br: {}, gzip: {} }},",
            path.display().to_string(),
            include(&br),
            include(&gz),
        );
    }
    code.push_str("];\n");
    let out = out_dir.join("assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
