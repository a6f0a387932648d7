//! Ctrl-C (or a stopped service) part-way through a build: the build either finished whole or
//! left nothing, and above all no hidden staging folder holding a copy of the child-level
//! export (issue 7's "staging folders left by a killed build").
//!
//! The signal is sent at delays spread over one whole build, so some land while reading, some
//! while counting and some while the archive folder is written and placed.
//!
//! Against the Windows build under Wine (`YJB_RETURN_EXE`, see tests/wine/README.md) the
//! signal is SIGINT only: Wine turns it into the console's Ctrl-C (CTRL_C_EVENT) for the
//! program's handler, as pressing Ctrl-C in a Command Prompt does. Wine's exit status after
//! that is not always the program's own (it has ended such a process with SIGKILL's 137, and
//! one stopped before the handler was in place with 0), so there the outcome is read from
//! what the program printed: its summary (finished), its "stopped" sentence (stopped by the
//! handler), or neither (ended before it could act).

#![cfg(unix)]

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::samples;
use yjb_return::names::BUILD_FILES;

const TRIES: u32 = 40;
/// Fewer under Wine: each run starts a Windows process, which takes it a good part of a second.
const TRIES_UNDER_WINE: u32 = 16;

fn build(archive: &Path) -> Command {
    let mut cmd = common::program();
    cmd.arg("build")
        .arg(samples().join("q2-export.xlsx"))
        .args(["--period", "2024-25 Q2", "--archive"])
        .arg(archive)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn an_interrupted_build_leaves_a_whole_return_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // How long one build takes here, to spread the interrupts over it.
    let start = Instant::now();
    let status = build(&tmp.path().join("timing")).status().unwrap();
    assert!(status.success());
    let whole = start.elapsed();

    let windows = common::program_is_windows();
    let tries = if windows { TRIES_UNDER_WINE } else { TRIES };
    let (mut stopped, mut finished) = (0, 0);
    for i in 0..tries {
        let archive = tmp.path().join(format!("archive-{i}"));
        // The user's own file beside the returns is never touched, whenever the stop comes.
        std::fs::create_dir(&archive).unwrap();
        std::fs::write(archive.join(".notes.txt"), "mine").unwrap();
        let child = build(&archive).spawn().unwrap();
        std::thread::sleep(
            whole.mul_f64(f64::from(i) / f64::from(tries)) + Duration::from_millis(2),
        );
        let signal = if i % 2 == 0 || windows {
            "-INT"
        } else {
            "-TERM"
        };
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let left: Vec<String> = std::fs::read_dir(&archive)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name != ".notes.txt")
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            std::fs::read_to_string(archive.join(".notes.txt"))
                .ok()
                .as_deref(),
            Some("mine"),
            "try {i}"
        );
        assert!(
            left.iter().all(|name| !name.starts_with('.')),
            "try {i}: hidden files left behind: {left:?}; stderr: {stderr}"
        );
        // What the program says happened: finished, stopped by its handler, or neither.
        let said = if stdout.contains("Built the") {
            Some(0)
        } else if stderr.contains("Nothing half-written was left behind") {
            Some(130)
        } else {
            None
        };
        match if windows { said } else { out.status.code() } {
            Some(0) => {
                finished += 1;
                assert_eq!(left, ["2024-25-Q2"], "try {i}");
                for file in BUILD_FILES {
                    assert!(
                        archive.join("2024-25-Q2").join(file).is_file(),
                        "try {i}: {file}"
                    );
                }
            }
            Some(130) => {
                stopped += 1;
                assert!(
                    stderr.contains("Nothing half-written was left behind"),
                    "{stderr}"
                );
                // Either the return was placed whole just before the signal, or nothing is there.
                if left.is_empty() {
                    continue;
                }
                assert_eq!(left, ["2024-25-Q2"], "try {i}");
                for file in BUILD_FILES {
                    assert!(
                        archive.join("2024-25-Q2").join(file).is_file(),
                        "try {i}: {file}"
                    );
                }
            }
            // The signal came before `main` installed its handler: the process was ended by
            // it, having staged nothing yet (staging comes last).
            None => assert!(left.is_empty(), "try {i}: {left:?}; {stdout}{stderr}"),
            other => panic!("try {i}: exit {other:?}; stderr: {stderr}"),
        }
    }
    // The delays cover the build, so the signal must have stopped some of them.
    assert!(
        stopped > 0,
        "no build was interrupted ({finished} finished)"
    );
}

/// Blocks the stop signals in the child before it runs the program: a signal sent then is held
/// as the program's own first code holds one that comes before its handler is in place.
fn held_from_the_start(cmd: &mut Command) -> &mut Command {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only the async-signal-safe `pthread_sigmask` runs, on a
    // signal set built on the stack.
    unsafe {
        cmd.pre_exec(|| {
            let mut set = SigSet::empty();
            for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
                set.add(signal);
            }
            pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None).map_err(std::io::Error::from)
        })
    }
}

/// What a stopped build left in its archive, besides the user's own file.
fn left_in(archive: &Path) -> Vec<String> {
    std::fs::read_dir(archive)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != ".notes.txt")
                .collect()
        })
        .unwrap_or_default()
}

/// SIGTERM the moment the program starts, before its interrupt handler can be in place (the
/// tester's "first millisecond"): from the program's first instruction on, the stop is held
/// and then handled like any other, status 130 and nothing written, never the process ended by
/// the signal. Without the hold, the stop came before the handler and the process died by it
/// (status -15); with the hold but nothing letting it through, the build ran to the end.
#[cfg(target_os = "linux")]
#[test]
fn a_stop_at_the_very_start_is_held_then_handled() {
    if common::not_on_windows(
        "a_stop_at_the_very_start_is_held_then_handled",
        "the stop held from the first instruction is Linux's (signals blocked before main, \
         then let through to the handler); Windows has no signal to hold, and a Ctrl-C before \
         the handler is in place ends the process, through Windows' own handler, before it \
         has read or written anything",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20 {
        let archive = tmp.path().join(format!("archive-{i}"));
        std::fs::create_dir(&archive).unwrap();
        std::fs::write(archive.join(".notes.txt"), "mine").unwrap();
        let child = held_from_the_start(&mut build(&archive)).spawn().unwrap();
        let signal = ["-TERM", "-INT", "-HUP"][i % 3];
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "try {i} ({signal}): {stderr}");
        assert!(
            stderr.contains("Nothing half-written was left behind"),
            "{stderr}"
        );
        assert_eq!(left_in(&archive), Vec::<String>::new(), "try {i}");
        assert_eq!(
            std::fs::read_to_string(archive.join(".notes.txt")).unwrap(),
            "mine"
        );
    }
}

/// SIGTERM immediately after spawn, nothing held: it usually lands while the kernel and the
/// loader are still starting the program, before any of its code runs, and no program can take
/// a signal then: the process ends by it. Whatever the moment, nothing is ever left behind, and
/// a process that got as far as its own code says it stopped, with status 130.
#[test]
fn a_stop_immediately_after_spawn_leaves_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20 {
        let archive = tmp.path().join(format!("archive-{i}"));
        std::fs::create_dir(&archive).unwrap();
        std::fs::write(archive.join(".notes.txt"), "mine").unwrap();
        let child = build(&archive).spawn().unwrap();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match (out.status.code(), out.status.signal()) {
            (Some(130), _) => assert!(
                stderr.contains("Nothing half-written was left behind"),
                "{stderr}"
            ),
            (Some(0), _) => {}
            (None, Some(15)) => assert!(stderr.is_empty(), "{stderr}"),
            other => panic!("try {i}: {other:?}; stderr: {stderr}"),
        }
        let left = left_in(&archive);
        assert!(
            left.is_empty() || left == ["2024-25-Q2"],
            "try {i}: {left:?}"
        );
        assert_eq!(
            std::fs::read_to_string(archive.join(".notes.txt")).unwrap(),
            "mine"
        );
    }
}
