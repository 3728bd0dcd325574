//! The link handshake: Noise XX (`Noise_XX_25519_ChaChaPoly_BLAKE2s`) whose static keys are bound to node
//! identities.
//!
//! Every handshake message is one frame (`u16` big-endian length, then the bytes). Message 2 (responder) and
//! message 3 (initiator) carry the sender's [`IdentityProof`]: `version: u8 (= 1) || ed25519 public key [32] ||
//! signature [64]`, the signature being Ed25519 over `b"bitcraps-noise-v1" || sender's Noise static public key`.
//! The receiver checks the signature (strictly) against the static key Noise authenticated, and, when it dialled
//! a peer it knows by id, that the Ed25519 key is that id.

use std::time::Duration;

use bitcraps_wire::NodeId;
use bitcraps_wire::frame::{HEADER_LEN, body_len, check_len};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use snow::{HandshakeState, StatelessTransportState};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The Noise protocol every LAN link speaks.
pub const NOISE_PARAMS: &str = "Noise_XX_25519_ChaChaPoly_BLAKE2s";

/// What the identity signature is prefixed with (domain separation).
pub const PROOF_CONTEXT: &[u8] = b"bitcraps-noise-v1";

/// The version byte of [`IdentityProof`].
pub const PROOF_VERSION: u8 = 1;

/// Bytes of an encoded [`IdentityProof`].
pub const PROOF_LEN: usize = 1 + 32 + 64;

/// Largest handshake message accepted (ours are under 200 bytes).
const MAX_HANDSHAKE_MSG: usize = 1024;

/// A handshake failed.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// The socket failed or closed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The handshake took longer than the I/O timeout.
    #[error("handshake timed out")]
    Timeout,
    /// Noise refused a message (bad key, bad tag, wrong state).
    #[error("noise: {0}")]
    Noise(#[from] snow::Error),
    /// A handshake message had a bad length.
    #[error("bad handshake message: {0}")]
    Malformed(String),
    /// The peer's identity proof did not hold.
    #[error("identity: {0}")]
    Identity(String),
}

impl HandshakeError {
    /// The `reason` of the [`crate::transport::TransportEvent::Rejected`] this error becomes.
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Identity(_) => "identity",
            Self::Io(_) | Self::Noise(_) | Self::Malformed(_) => "handshake",
        }
    }
}

/// A finished handshake: who the peer is and the link's ciphers.
pub struct Session {
    /// The peer's proven identity.
    pub peer: NodeId,
    /// The link's ciphers (nonces are kept by the reader and the writer, one direction each).
    pub noise: StatelessTransportState,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("peer", &self.peer).finish_non_exhaustive()
    }
}

/// This process's Noise static key pair and the identity proof that binds it to the node key.
#[derive(Clone)]
pub struct LocalKeys {
    noise_private: Vec<u8>,
    proof: [u8; PROOF_LEN],
}

impl std::fmt::Debug for LocalKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalKeys { .. }")
    }
}

impl LocalKeys {
    /// A fresh X25519 static key for this process, signed by `key`.
    pub fn generate(key: &SigningKey) -> Result<Self, snow::Error> {
        let pair = builder()?.generate_keypair()?;
        let proof = build_proof(key, &pair.public);
        Ok(Self { noise_private: pair.private, proof })
    }

    /// The same, but the proof signs `signed_static` instead of our real static key (tests of the verifier).
    #[cfg(any(test, feature = "testing"))]
    pub fn generate_with_false_proof(key: &SigningKey, signed_static: &[u8]) -> Result<Self, snow::Error> {
        let pair = builder()?.generate_keypair()?;
        Ok(Self { noise_private: pair.private, proof: build_proof(key, signed_static) })
    }
}

fn builder() -> Result<snow::Builder<'static>, snow::Error> {
    Ok(snow::Builder::new(NOISE_PARAMS.parse()?))
}

/// Encodes `version || ed25519 public key || Ed25519(PROOF_CONTEXT || noise_static)`.
pub fn build_proof(key: &SigningKey, noise_static: &[u8]) -> [u8; PROOF_LEN] {
    let mut signed = Vec::with_capacity(PROOF_CONTEXT.len() + noise_static.len());
    signed.extend_from_slice(PROOF_CONTEXT);
    signed.extend_from_slice(noise_static);
    let signature = key.sign(&signed);
    let mut out = [0u8; PROOF_LEN];
    out[0] = PROOF_VERSION;
    out[1..33].copy_from_slice(key.verifying_key().as_bytes());
    out[33..].copy_from_slice(&signature.to_bytes());
    out
}

/// Checks a peer's proof against the static key Noise authenticated (and the id we expected, if any); returns
/// the peer's identity.
pub fn verify_proof(proof: &[u8], remote_static: &[u8], expected: Option<NodeId>) -> Result<NodeId, HandshakeError> {
    let bad = |why: &str| HandshakeError::Identity(why.to_owned());
    let Some((&version, rest)) = proof.split_first() else { return Err(bad("empty identity proof")) };
    if version != PROOF_VERSION {
        return Err(bad(&format!("unknown proof version {version}")));
    }
    let (Some((public, signature)), true) = (rest.split_first_chunk::<32>(), rest.len() == PROOF_LEN - 1) else {
        return Err(bad(&format!("identity proof of {} bytes", proof.len())));
    };
    let signature = Signature::from_slice(signature).map_err(|_| bad("malformed signature"))?;
    let verifying = VerifyingKey::from_bytes(public).map_err(|_| bad("not an Ed25519 key"))?;
    let mut signed = Vec::with_capacity(PROOF_CONTEXT.len() + remote_static.len());
    signed.extend_from_slice(PROOF_CONTEXT);
    signed.extend_from_slice(remote_static);
    verifying.verify_strict(&signed, &signature).map_err(|_| bad("signature does not cover the Noise static key"))?;
    let peer = NodeId(*public);
    match expected {
        Some(want) if want != peer => Err(bad(&format!("expected {}, peer proved {}", want.to_hex(), peer.to_hex()))),
        _ => Ok(peer),
    }
}

/// Dials side: runs the handshake on `stream` within `timeout`.
pub async fn initiate<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    keys: &LocalKeys,
    expected: Option<NodeId>,
    timeout: Duration,
) -> Result<Session, HandshakeError> {
    tokio::time::timeout(timeout, initiate_inner(stream, keys, expected)).await.map_err(|_| HandshakeError::Timeout)?
}

/// Listening side: runs the handshake on `stream` within `timeout`.
pub async fn respond<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    keys: &LocalKeys,
    timeout: Duration,
) -> Result<Session, HandshakeError> {
    tokio::time::timeout(timeout, respond_inner(stream, keys)).await.map_err(|_| HandshakeError::Timeout)?
}

async fn initiate_inner<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    keys: &LocalKeys,
    expected: Option<NodeId>,
) -> Result<Session, HandshakeError> {
    let mut noise = builder()?.local_private_key(&keys.noise_private)?.build_initiator()?;
    let mut buf = vec![0u8; MAX_HANDSHAKE_MSG];
    send(stream, &mut noise, &[], &mut buf).await?;
    let payload = receive(stream, &mut noise, &mut buf).await?;
    let peer = verify_proof(&payload, remote_static(&noise)?, expected)?;
    send(stream, &mut noise, &keys.proof, &mut buf).await?;
    Ok(Session { peer, noise: noise.into_stateless_transport_mode()? })
}

async fn respond_inner<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    keys: &LocalKeys,
) -> Result<Session, HandshakeError> {
    let mut noise = builder()?.local_private_key(&keys.noise_private)?.build_responder()?;
    let mut buf = vec![0u8; MAX_HANDSHAKE_MSG];
    let first = receive(stream, &mut noise, &mut buf).await?;
    if !first.is_empty() {
        return Err(HandshakeError::Malformed("payload in message 1".to_owned()));
    }
    send(stream, &mut noise, &keys.proof, &mut buf).await?;
    let payload = receive(stream, &mut noise, &mut buf).await?;
    let peer = verify_proof(&payload, remote_static(&noise)?, None)?;
    Ok(Session { peer, noise: noise.into_stateless_transport_mode()? })
}

fn remote_static(noise: &HandshakeState) -> Result<&[u8], HandshakeError> {
    noise.get_remote_static().ok_or_else(|| HandshakeError::Malformed("no remote static key".to_owned()))
}

async fn send<S: AsyncWrite + Unpin>(
    stream: &mut S,
    noise: &mut HandshakeState,
    payload: &[u8],
    buf: &mut [u8],
) -> Result<(), HandshakeError> {
    let len = noise.write_message(payload, &mut buf[HEADER_LEN..])?;
    let header = u16::try_from(len).map_err(|_| HandshakeError::Malformed(format!("message of {len} bytes")))?;
    buf[..HEADER_LEN].copy_from_slice(&header.to_be_bytes());
    stream.write_all(&buf[..HEADER_LEN + len]).await?;
    Ok(())
}

async fn receive<S: AsyncRead + Unpin>(
    stream: &mut S,
    noise: &mut HandshakeState,
    buf: &mut [u8],
) -> Result<Vec<u8>, HandshakeError> {
    let mut header = [0u8; HEADER_LEN];
    stream.read_exact(&mut header).await?;
    let len = check_len(body_len(header), MAX_HANDSHAKE_MSG).map_err(|e| HandshakeError::Malformed(e.to_string()))?;
    let mut message = [0u8; MAX_HANDSHAKE_MSG];
    stream.read_exact(&mut message[..len]).await?;
    let n = noise.read_message(&message[..len], buf)?;
    Ok(buf[..n].to_vec())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn proof_round_trips_and_binds_the_static_key() {
        let k = key(1);
        let id = NodeId(k.verifying_key().to_bytes());
        let proof = build_proof(&k, &[7; 32]);
        assert_eq!(proof.len(), PROOF_LEN);
        assert_eq!(proof[0], PROOF_VERSION);
        assert_eq!(verify_proof(&proof, &[7; 32], None).unwrap(), id);
        assert_eq!(verify_proof(&proof, &[7; 32], Some(id)).unwrap(), id);
        let reason = |r: Result<NodeId, HandshakeError>| r.unwrap_err().reason();
        assert_eq!(reason(verify_proof(&proof, &[8; 32], None)), "identity");
        assert_eq!(reason(verify_proof(&proof, &[7; 32], Some(NodeId([9; 32])))), "identity");
        assert_eq!(reason(verify_proof(&proof[..60], &[7; 32], None)), "identity");
        let mut wrong_version = proof;
        wrong_version[0] = 2;
        assert_eq!(reason(verify_proof(&wrong_version, &[7; 32], None)), "identity");
        let mut flipped = proof;
        flipped[40] ^= 1;
        assert_eq!(reason(verify_proof(&flipped, &[7; 32], None)), "identity");
    }

    #[tokio::test]
    async fn handshake_over_a_pipe_proves_both_identities() {
        let (a, b) = (key(1), key(2));
        let (ka, kb) = (LocalKeys::generate(&a).unwrap(), LocalKeys::generate(&b).unwrap());
        let (mut sa, mut sb) = tokio::io::duplex(4096);
        let t = Duration::from_secs(5);
        let b_id = NodeId(b.verifying_key().to_bytes());
        let (ra, rb) = tokio::join!(initiate(&mut sa, &ka, Some(b_id), t), respond(&mut sb, &kb, t));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.peer, b_id);
        assert_eq!(rb.peer, NodeId(a.verifying_key().to_bytes()));
        let mut ct = [0u8; 64];
        let n = ra.noise.write_message(0, b"hi", &mut ct).unwrap();
        let mut pt = [0u8; 64];
        let m = rb.noise.read_message(0, &ct[..n], &mut pt).unwrap();
        assert_eq!(&pt[..m], b"hi");
    }

    #[tokio::test]
    async fn a_false_proof_is_an_identity_failure() {
        let (a, b) = (key(1), key(2));
        let ka = LocalKeys::generate_with_false_proof(&a, &[3; 32]).unwrap();
        let kb = LocalKeys::generate(&b).unwrap();
        let (mut sa, mut sb) = tokio::io::duplex(4096);
        let t = Duration::from_secs(5);
        let (_, rb) = tokio::join!(initiate(&mut sa, &ka, None, t), respond(&mut sb, &kb, t));
        assert_eq!(rb.unwrap_err().reason(), "identity");
    }
}
