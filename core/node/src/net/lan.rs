//! The LAN transport: TCP links secured by Noise XX bound to the node identity, mDNS discovery, static peers.
