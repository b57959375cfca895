//! Files walkaway writes for the user (the HTML report) carry names and messages: they are
//! written readable by the owner only, like the database, whatever the umask, and replaced
//! whole (written beside the target, then renamed), so a crash never leaves half a report.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` with mode 0600 (on Unix), replacing any file there.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = open_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_report_is_the_owners_only_even_over_a_world_readable_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        super::write(&path, b"<p>new</p>").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<p>new</p>");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Nothing left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_that_does_not_exist_is_an_error_not_a_stray_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/r.html");
        assert!(super::write(&path, b"x").is_err());
    }
}
