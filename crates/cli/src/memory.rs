//! Allocator tuning, the binary's only `unsafe` code.
//!
//! glibc's malloc serves blocks under its mmap threshold (128 KiB, raised as large blocks are
//! freed) from one heap, and splits freed blocks to serve later small requests. An archive of
//! many small chats unpacks each entry with a fresh inflate state (tens of KiB, freed at once)
//! while the chat before it leaves its small, long-lived events behind: the freed states were
//! carved up by those events, every new state took fresh memory, and peak memory grew with the
//! number of chats, not with their text (a zip of 10,000 chats of 67 bytes each: 216 MB; of
//! 100,000: 2.1 GB). Serving blocks of 16 KiB and more from their own mappings, returned to the
//! system on free, keeps that zip at 25 MB for about 3% more time (docs/security.md).

/// Blocks of at least this many bytes get their own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 16 << 10;

/// Applies the tuning; call once, first thing in `main`, before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn tune() {
    // SAFETY: `mallopt` only sets a glibc malloc parameter; it is called before any other
    // thread exists, with a documented parameter and an in-range value. A failure (0) leaves
    // the defaults, which are correct, only hungrier.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
