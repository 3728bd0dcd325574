//! Frames on a byte stream: `len: u16 (big-endian)` followed by `len` bytes. A transport reads the 2-byte
//! header, checks the length against its maximum with [`check_len`], and only then reads (into a buffer it
//! already owns) the body; a hostile length is refused without allocating it. [`FrameReader`] is the same logic
//! for a byte buffer (tests and the fuzz target use it).

/// Bytes of the length header.
pub const HEADER_LEN: usize = 2;

/// The largest body a 2-byte header can announce (one Noise transport message).
pub const ABSOLUTE_MAX_LEN: usize = u16::MAX as usize;

/// A frame was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The header announces more than the link allows.
    #[error("frame of {len} bytes exceeds the maximum of {max}")]
    TooLarge { len: usize, max: usize },
    /// An empty frame (no transport sends one).
    #[error("empty frame")]
    Empty,
}

/// Reads the body length from a header.
pub const fn body_len(header: [u8; HEADER_LEN]) -> usize {
    u16::from_be_bytes(header) as usize
}

/// Accepts a body length announced by a header if it is non-zero and at most `max`.
pub const fn check_len(len: usize, max: usize) -> Result<usize, FrameError> {
    if len == 0 {
        Err(FrameError::Empty)
    } else if len > max {
        Err(FrameError::TooLarge { len, max })
    } else {
        Ok(len)
    }
}

/// Writes `body` as one frame into `out`. Bodies longer than [`ABSOLUTE_MAX_LEN`] or empty are refused.
pub fn encode(body: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    let len = check_len(body.len(), ABSOLUTE_MAX_LEN)?;
    // `check_len` bounded `len` by u16::MAX.
    out.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Cuts frames out of a byte buffer, refusing any whose header announces more than `max`.
#[derive(Debug, Clone)]
pub struct FrameReader<'a> {
    rest: &'a [u8],
    max: usize,
}

impl<'a> FrameReader<'a> {
    /// Reads frames of at most `max` bytes from `bytes`.
    pub const fn new(bytes: &'a [u8], max: usize) -> Self {
        Self { rest: bytes, max }
    }

    /// The next whole frame's body; `Ok(None)` when the buffer holds no whole frame any more.
    pub fn next_frame(&mut self) -> Result<Option<&'a [u8]>, FrameError> {
        let Some((header, body)) = self.rest.split_first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let len = check_len(body_len(*header), self.max)?;
        let Some((frame, rest)) = body.split_at_checked(len) else {
            return Ok(None);
        };
        self.rest = rest;
        Ok(Some(frame))
    }

    /// Bytes not yet consumed (an incomplete frame).
    pub const fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_len_bounds() {
        assert_eq!(check_len(0, 10), Err(FrameError::Empty));
        assert_eq!(check_len(1, 10), Ok(1));
        assert_eq!(check_len(10, 10), Ok(10));
        assert_eq!(check_len(11, 10), Err(FrameError::TooLarge { len: 11, max: 10 }));
        assert_eq!(body_len([0xff, 0xff]), ABSOLUTE_MAX_LEN);
    }
}
