//! A raw Noise client that speaks the LAN handshake but then sends whatever a test tells it to (oversized
//! headers, garbage ciphertext, forged identity proofs). Not for production use.

use std::net::SocketAddr;
use std::time::Duration;

use bitcraps_wire::NodeId;
use ed25519_dalek::SigningKey;
use snow::StatelessTransportState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::handshake::{self, HandshakeError, LocalKeys};
use super::link::{TAG_DATA, TAG_LEN};

/// A client side of a LAN link under a test's control.
pub struct RawClient {
    stream: TcpStream,
    noise: StatelessTransportState,
    nonce: u64,
    /// The identity the listener proved.
    pub peer: NodeId,
}

impl std::fmt::Debug for RawClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawClient").field("peer", &self.peer).finish_non_exhaustive()
    }
}

impl RawClient {
    /// Connects and completes the handshake as `key`. With `forged_static`, the identity proof signs that key
    /// instead of the client's real Noise static key.
    pub async fn connect(
        addr: SocketAddr,
        key: &SigningKey,
        forged_static: Option<[u8; 32]>,
    ) -> Result<RawClient, HandshakeError> {
        let keys = match forged_static {
            Some(other) => LocalKeys::generate_with_false_proof(key, &other)?,
            None => LocalKeys::generate(key)?,
        };
        let mut stream = TcpStream::connect(addr).await?;
        let session = handshake::initiate(&mut stream, &keys, None, Duration::from_secs(5)).await?;
        Ok(Self { stream, noise: session.noise, nonce: 0, peer: session.peer })
    }

    /// One encrypted frame (header included) of `tag || body`.
    pub fn seal(&mut self, tag: u8, body: &[u8]) -> Result<Vec<u8>, HandshakeError> {
        let mut plain = Vec::with_capacity(1 + body.len());
        plain.push(tag);
        plain.extend_from_slice(body);
        let mut out = vec![0u8; 2 + plain.len() + TAG_LEN];
        let n = self.noise.write_message(self.nonce, &plain, &mut out[2..])?;
        self.nonce += 1;
        let len = u16::try_from(n).map_err(|_| HandshakeError::Malformed(format!("{n} bytes")))?;
        out[..2].copy_from_slice(&len.to_be_bytes());
        out.truncate(2 + n);
        Ok(out)
    }

    /// Sends a data frame.
    pub async fn send_data(&mut self, frame: &[u8]) -> Result<(), HandshakeError> {
        let sealed = self.seal(TAG_DATA, frame)?;
        self.send_raw(&sealed).await?;
        Ok(())
    }

    /// Sends bytes as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// Reads (and drops) whatever arrives until the listener closes the connection; false if it is still open
    /// after `within`.
    pub async fn closed_within(&mut self, within: Duration) -> bool {
        let mut buf = [0u8; 4096];
        let drain = async {
            loop {
                match self.stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(within, drain).await.is_ok()
    }
}
