//! Processes and threads of a Chromium instance, read from /proc: the CPU
//! time it uses, and its dedicated-worker threads.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Clock ticks per second of the utime and stime fields of
/// /proc/PID/stat (USER_HZ, 100 on Linux for every common architecture).
pub const TICKS_PER_SECOND: f64 = 100.0;

/// Name Chromium 156 gives the thread of each dedicated Web Worker, as
/// /proc/PID/task/TID/comm shows it (cut to 15 bytes by Linux).
const WORKER_THREAD_NAME: &str = "DedicatedWorker";

/// Returns the id of the process whose command line contains `tag`.
pub fn find_process(tag: &str) -> Option<u32> {
    process_ids().into_iter().find(|&pid| {
        fs::read(format!("/proc/{pid}/cmdline"))
            .map(|cmdline| String::from_utf8_lossy(&cmdline).contains(tag))
            .unwrap_or(false)
    })
}

fn process_ids() -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// Returns (parent id, utime + stime in ticks) from a /proc stat file.
fn parent_and_ticks(stat_path: &Path) -> Option<(u32, u64)> {
    let stat = fs::read_to_string(stat_path).ok()?;
    // The command name in brackets may contain spaces; fields after it are plain.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 4, 14 and 15 of proc(5), counted from 1; `after_name` starts at field 3.
    let parent = fields.get(1)?.parse().ok()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((parent, utime + stime))
}

/// Returns `root` and the ids of all its running descendants.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = process_ids()
        .into_iter()
        .filter_map(|pid| {
            let stat = format!("/proc/{pid}/stat");
            parent_and_ticks(Path::new(&stat)).map(|(parent, _)| (pid, parent))
        })
        .collect();
    let mut tree = vec![root];
    let mut index = 0;
    while index < tree.len() {
        let pid = tree[index];
        tree.extend(
            parents
                .iter()
                .filter(|&&(child, parent)| parent == pid && child != pid)
                .map(|&(child, _)| child),
        );
        index += 1;
    }
    tree
}

/// Returns the CPU ticks used so far by `root` and its running descendants.
pub fn tree_ticks(root: u32) -> u64 {
    process_tree(root)
        .into_iter()
        .filter_map(|pid| parent_and_ticks(Path::new(&format!("/proc/{pid}/stat"))))
        .map(|(_, ticks)| ticks)
        .sum()
}

/// Returns the mean number of cores `root`'s tree keeps busy over `length`.
pub fn busy_cores(root: u32, length: Duration) -> f64 {
    let (start, before) = (Instant::now(), tree_ticks(root));
    std::thread::sleep(length);
    let ticks = tree_ticks(root).saturating_sub(before);
    ticks as f64 / TICKS_PER_SECOND / start.elapsed().as_secs_f64()
}

/// Returns (process id, thread id) of every dedicated-worker thread in
/// `root`'s process tree.
pub fn worker_threads(root: u32) -> Vec<(u32, u32)> {
    let mut threads = Vec::new();
    for pid in process_tree(root) {
        let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let name = fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let tid = task.file_name().to_str().and_then(|tid| tid.parse().ok());
            if let (true, Some(tid)) = (name.trim() == WORKER_THREAD_NAME, tid) {
                threads.push((pid, tid));
            }
        }
    }
    threads
}

/// Returns the CPU time of one thread in nanoseconds, from the first field
/// of /proc/PID/task/TID/schedstat, or `None` once the thread is gone.
fn thread_cpu_ns(pid: u32, tid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// CPU time and presence of a set of threads, read at regular times.
pub struct ThreadWatch {
    /// (time since the watch started, CPU nanoseconds of the threads still
    /// present, threads still present).
    pub samples: Vec<(Duration, u64, usize)>,
}

impl ThreadWatch {
    /// Reads `threads` every `interval` from `start` until none exists or
    /// `timeout` has passed.
    pub fn record(
        threads: &[(u32, u32)],
        start: Instant,
        interval: Duration,
        timeout: Duration,
    ) -> ThreadWatch {
        let mut samples = Vec::new();
        loop {
            let times: Vec<u64> = threads
                .iter()
                .filter_map(|&(pid, tid)| thread_cpu_ns(pid, tid))
                .collect();
            samples.push((start.elapsed(), times.iter().sum(), times.len()));
            if times.is_empty() || start.elapsed() > timeout {
                return ThreadWatch { samples };
            }
            std::thread::sleep(interval);
        }
    }

    /// Returns the first time at which no thread was present.
    pub fn gone_at(&self) -> Option<Duration> {
        self.samples
            .iter()
            .find(|&&(_, _, present)| present == 0)
            .map(|&(time, _, _)| time)
    }

    /// Returns the earliest time after which the threads used at most
    /// `allowed_ns` of CPU in total, counting every sample interval in
    /// which at least one of them was still present.
    pub fn idle_after(&self, allowed_ns: u64) -> Option<Duration> {
        // CPU used between consecutive samples; a thread that vanished in
        // an interval makes the sum drop, which counts as no use.
        let used: Vec<u64> = self
            .samples
            .windows(2)
            .map(|pair| pair[1].1.saturating_sub(pair[0].1))
            .collect();
        (0..self.samples.len())
            .find(|&index| used[index.min(used.len())..].iter().sum::<u64>() <= allowed_ns)
            .map(|index| self.samples[index].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_uses_ticks() {
        let pid = std::process::id();
        let before = tree_ticks(pid);
        let start_ns = own_thread_cpu_ns();
        let mut x = 0u64;
        while own_thread_cpu_ns() < start_ns + 200_000_000 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(
            tree_ticks(pid) > before,
            "200 ms of CPU in a busy loop added no ticks"
        );
    }

    /// Returns the CPU time of the calling thread in nanoseconds.
    fn own_thread_cpu_ns() -> u64 {
        let text = fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        text.split_whitespace()
            .next()
            .and_then(|ns| ns.parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn watch_sees_thread_end() {
        let pid = std::process::id();
        let (tid_sender, tid_receiver) = std::sync::mpsc::channel();
        let (busy_sender, busy_receiver) = std::sync::mpsc::channel();
        let (stop_sender, stop_receiver) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            let tid: u32 = fs::read_link("/proc/thread-self")
                .ok()
                .and_then(|path| path.file_name()?.to_str()?.parse().ok())
                .unwrap_or(0);
            tid_sender.send(tid).unwrap();
            // Busy for 100 ms of this thread's own CPU time, however loaded
            // the machine is, then idle until the stop message arrives.
            let start_ns = own_thread_cpu_ns();
            let mut x = 0u64;
            while own_thread_cpu_ns() < start_ns + 100_000_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            busy_sender.send(()).unwrap();
            let _ = stop_receiver.recv();
        });
        let tid = tid_receiver.recv().unwrap();
        assert_ne!(
            tid, 0,
            "failed to read the thread id from /proc/thread-self"
        );
        let start = Instant::now();
        let interval = Duration::from_millis(1);
        let watcher = std::thread::spawn(move || {
            ThreadWatch::record(&[(pid, tid)], start, interval, Duration::from_secs(30))
        });
        busy_receiver.recv().unwrap();
        let busy_until = start.elapsed();
        std::thread::sleep(Duration::from_millis(200));
        stop_sender.send(()).unwrap();
        handle.join().unwrap();
        let watch = watcher.join().unwrap();

        let gone = watch.gone_at().expect("the ended thread is still listed");
        assert!(
            gone >= busy_until + Duration::from_millis(200),
            "gone at {gone:?}, before the thread ended"
        );
        let idle = watch
            .idle_after(1_000_000)
            .expect("the thread never went idle");
        assert!(
            idle >= Duration::from_millis(50),
            "idle at {idle:?}, during the busy loop"
        );
        assert!(
            idle <= busy_until + Duration::from_millis(20),
            "idle at {idle:?}, long after the busy loop ended at {busy_until:?}"
        );
    }
}
