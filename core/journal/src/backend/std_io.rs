//! The reference backend: std file I/O on the writer thread (positional write, then `fdatasync`).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

use super::SegmentIo;

/// Plain std I/O; also the last fallback.
#[derive(Debug, Default)]
pub(crate) struct StdIo {
    file: Option<File>,
}

impl StdIo {
    fn file(&self) -> io::Result<&File> {
        self.file.as_ref().ok_or_else(|| io::Error::other("no segment open"))
    }
}

impl SegmentIo for StdIo {
    fn open(&mut self, path: &Path) -> io::Result<()> {
        self.file = Some(OpenOptions::new().write(true).open(path)?);
        Ok(())
    }

    fn write_at(&mut self, buf: Vec<u8>, pos: u64) -> (io::Result<()>, Vec<u8>) {
        let result = self.file().and_then(|file| write_all_at(file, &buf, pos));
        (result, buf)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file()?.sync_data()
    }
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], pos: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, pos)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut pos: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, pos) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                pos += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_all_at(mut file: &File, buf: &[u8], pos: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(pos))?;
    file.write_all(buf)
}
