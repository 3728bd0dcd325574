//! The round's cryptography: commitments to nonces and the dice drawn from every reveal together.
//!
//! - commitment = SHA-256(`"bitcraps-commit-v1"` ‖ table ‖ round (u64 BE) ‖ attempt (u32 BE) ‖ player ‖ nonce)
//! - seed = SHA-256(`"bitcraps-dice-v1"` ‖ table ‖ round ‖ attempt ‖ (player ‖ nonce) for each revealer in
//!   ascending node id order); each seed byte below 252 gives a face `byte % 6 + 1` (252 = 6 × 42, so every face
//!   is equally likely); the first two faces are the dice. A seed with fewer than two usable bytes is hashed
//!   again.
//!
//! Because every seated player's nonce goes in and each was fixed (committed) before any was shown, nobody —
//! the host included — can steer the dice; a player can only refuse to reveal, which costs their bets and seat.

use bitcraps_rules::Dice;
use bitcraps_wire::{NodeId, TableId};
use sha2::{Digest, Sha256};

/// A player's commitment to `nonce` for one attempt of a round.
pub fn commitment(table: &TableId, round: u64, attempt: u32, player: &NodeId, nonce: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"bitcraps-commit-v1")
        .chain_update(table.0)
        .chain_update(round.to_be_bytes())
        .chain_update(attempt.to_be_bytes())
        .chain_update(player.0)
        .chain_update(nonce)
        .finalize()
        .into()
}

/// The dice drawn from the reveals (any order in; sorted by player inside).
pub fn dice(table: &TableId, round: u64, attempt: u32, reveals: &[(NodeId, [u8; 32])]) -> Dice {
    let mut sorted: Vec<&(NodeId, [u8; 32])> = reveals.iter().collect();
    sorted.sort_by_key(|(player, _)| *player);
    let mut hasher = Sha256::new()
        .chain_update(b"bitcraps-dice-v1")
        .chain_update(table.0)
        .chain_update(round.to_be_bytes())
        .chain_update(attempt.to_be_bytes());
    for (player, nonce) in sorted {
        hasher.update(player.0);
        hasher.update(nonce);
    }
    let mut seed: [u8; 32] = hasher.finalize().into();
    loop {
        let mut faces = seed.iter().filter(|b| **b < 252).map(|b| b % 6 + 1);
        if let (Some(d1), Some(d2)) = (faces.next(), faces.next())
            && let Ok(dice) = Dice::new(d1, d2)
        {
            return dice;
        }
        seed = Sha256::digest(seed).into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_ignore_reveal_order_and_change_with_any_nonce() {
        let table = TableId([7; 16]);
        let a = (NodeId([1; 32]), [10; 32]);
        let b = (NodeId([2; 32]), [20; 32]);
        assert_eq!(dice(&table, 3, 0, &[a, b]), dice(&table, 3, 0, &[b, a]));
        let rolls: std::collections::BTreeSet<(u8, u8)> =
            (0..64u8).map(|i| dice(&table, 3, 0, &[a, (NodeId([2; 32]), [i; 32])])).map(|d| (d.d1(), d.d2())).collect();
        assert!(rolls.len() > 15, "one player's nonce alone moves the dice: {rolls:?}");
    }

    #[test]
    fn faces_are_uniform_enough() {
        let table = TableId([0; 16]);
        let mut counts = [0u32; 6];
        for i in 0..6000u32 {
            let mut nonce = [0u8; 32];
            nonce[..4].copy_from_slice(&i.to_be_bytes());
            let d = dice(&table, 0, 0, &[(NodeId([9; 32]), nonce)]);
            counts[usize::from(d.d1() - 1)] += 1;
        }
        assert!(counts.iter().all(|c| (850..1150).contains(c)), "{counts:?}");
    }

    #[test]
    fn commitment_binds_every_field() {
        let (t, p, n) = (TableId([1; 16]), NodeId([2; 32]), [3; 32]);
        let c = commitment(&t, 1, 0, &p, &n);
        assert_ne!(c, commitment(&t, 2, 0, &p, &n));
        assert_ne!(c, commitment(&t, 1, 1, &p, &n));
        assert_ne!(c, commitment(&t, 1, 0, &NodeId([4; 32]), &n));
        assert_ne!(c, commitment(&t, 1, 0, &p, &[4; 32]));
    }
}
