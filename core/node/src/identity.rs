//! The node's identity: an Ed25519 key pair made on first start, stored 0600 in the data dir, reused afterwards.

use std::path::Path;

use ed25519_dalek::SigningKey;

use crate::paths::{IDENTITY_FILE, write_private};

/// The node's signing key and the id derived from it.
pub struct Identity {
    signing_key: SigningKey,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("node_id", &self.node_id()).finish_non_exhaustive()
    }
}

/// Why the identity could not be loaded or made.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read or write identity file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("identity file {path} is corrupt ({reason}); move it away to make a new identity")]
    Corrupt { path: String, reason: String },
}

impl Identity {
    /// Loads the key from `<data_dir>/identity.key`, or makes and stores a new one if the file does not exist.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, IdentityError> {
        let path = data_dir.join(IDENTITY_FILE);
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim())
                    .map_err(|e| IdentityError::Corrupt { path: shown.clone(), reason: e.to_string() })?;
                let secret: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| IdentityError::Corrupt {
                    path: shown.clone(),
                    reason: format!("expected 32 bytes, found {}", b.len()),
                })?;
                Ok(Self { signing_key: SigningKey::from_bytes(&secret) })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let signing_key = SigningKey::generate(&mut rand::rngs::OsRng);
                write_private(&path, hex::encode(signing_key.to_bytes()).as_bytes())
                    .map_err(|source| IdentityError::Io { path: shown, source })?;
                tracing::info!(path = %path.display(), "created a new node identity");
                Ok(Self { signing_key })
            }
            Err(source) => Err(IdentityError::Io { path: shown, source }),
        }
    }

    /// The node id: the hex-encoded Ed25519 public key.
    pub fn node_id(&self) -> String {
        hex::encode(self.signing_key.verifying_key().as_bytes())
    }

    /// The node id as the mesh uses it.
    pub fn id(&self) -> bitcraps_wire::NodeId {
        bitcraps_wire::NodeId(self.signing_key.verifying_key().to_bytes())
    }

    /// The key that signs the node's mesh messages and binds its Noise key.
    pub const fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }
}
