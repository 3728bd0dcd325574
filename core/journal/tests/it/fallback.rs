//! The io_uring fallback: a child process of this test binary blocks `io_uring_setup` with a seccomp filter
//! (EPERM, as Docker's default profile does), opens a journal with the automatic backend choice, and reports the
//! backend taken; the parent asserts compio fell back to epoll and says why.

use std::process::Command;

use bitcraps_journal::{BackendChoice, BackendKind, Journal};
use seccompiler::{BpfProgram, SeccompAction, SeccompFilter};

const CHILD_ENV: &str = "JOURNAL_TEST_SECCOMP_CHILD";
const TEST_NAME: &str = "fallback::io_uring_blocked_falls_back_to_epoll";

#[test]
fn io_uring_blocked_falls_back_to_epoll() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return child();
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("BACKEND ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("{stdout}"));
    let (kind, reason) = line.split_once(' ').unwrap();
    assert_eq!(kind, BackendKind::Polling.as_str(), "{line}");
    assert!(reason.contains("io_uring unavailable: EPERM"), "{line}");
}

fn child() {
    let rules = [(libc::SYS_io_uring_setup, vec![])].into_iter().collect();
    let arch = std::env::consts::ARCH.try_into().unwrap();
    let filter = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch);
    let program: BpfProgram = filter.unwrap().try_into().unwrap();
    seccompiler::apply_filter(&program).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::support::config(dir.path(), BackendChoice::Auto);
    config.durability.every_records = 1;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let journal = Journal::open(config).unwrap();
    let info = journal.backend().clone();
    runtime.block_on(async {
        journal.append(b"written on the fallback driver".to_vec()).await.unwrap();
        journal.close().await.unwrap();
    });
    assert_eq!(crate::support::replay_all(dir.path()).len(), 1);
    println!("BACKEND {} {}", info.kind, info.reason);
}
