//! Builds the page once per test process with `trunk build`.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Returns the workspace root, the parent of this crate's folder.
pub fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("the tests crate sits one folder below the workspace root")
        .to_path_buf()
}

/// Returns `<repo>/target/e2e`, creating it if missing. The tests write the
/// built page, screenshots and chromedriver logs there.
pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("target").join("e2e");
    fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("failed to create {}: {error}", dir.display()));
    dir
}

static DIST: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Builds the page on the first call and returns the folder that trunk wrote.
///
/// Later calls in the same process return the same folder, and a failed build
/// fails every caller with the same message without building again.
pub fn built_page() -> &'static Path {
    match DIST.get_or_init(build_page) {
        Ok(dist) => dist,
        Err(message) => panic!("{message}"),
    }
}

/// Runs `trunk build --release --offline` from the repository root into
/// `target/e2e/dist`. The folder is fixed rather than temporary because a
/// value in a `static` is never dropped, so a temporary folder would stay
/// behind after every run.
fn build_page() -> Result<PathBuf, String> {
    let root = repo_root();
    let dist = artifacts_dir().join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist)
            .map_err(|error| format!("failed to remove the old {}: {error}", dist.display()))?;
    }

    // TRUNK overrides the program, as CHROME and CHROMEDRIVER do for the browser.
    let trunk = std::env::var_os("TRUNK").unwrap_or_else(|| OsString::from("trunk"));
    let output = Command::new(&trunk)
        .args(["build", "--release", "--offline", "--dist"])
        .arg(&dist)
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| {
            format!(
                "failed to start {}: {error}; run scripts/setup.sh, which installs trunk \
                 into ~/.cargo/bin, and put that folder on PATH",
                trunk.to_string_lossy()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "`trunk build --release --offline` in {} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
            root.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        ));
    }

    let index = dist.join("index.html");
    if !index.is_file() {
        return Err(format!(
            "trunk build succeeded but wrote no {}",
            index.display()
        ));
    }
    Ok(dist)
}
