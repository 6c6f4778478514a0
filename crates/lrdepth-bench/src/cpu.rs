//! CPU time of a Chromium instance, read from /proc, to see when its
//! workers stop computing.

use std::fs;
use std::time::{Duration, Instant};

/// Clock ticks per second of the utime and stime fields of
/// /proc/PID/stat (USER_HZ, 100 on Linux for every common architecture).
pub const TICKS_PER_SECOND: f64 = 100.0;

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

/// Returns (parent id, utime + stime in ticks) of a process.
fn parent_and_ticks(pid: u32) -> Option<(u32, u64)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name in brackets may contain spaces; fields after it are plain.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 4, 14 and 15 of proc(5), counted from 1; `after_name` starts at field 3.
    let parent = fields.get(1)?.parse().ok()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((parent, utime + stime))
}

/// Returns the CPU ticks used so far by `root` and all its descendants
/// that are still running.
pub fn tree_ticks(root: u32) -> u64 {
    let processes: Vec<(u32, u32, u64)> = process_ids()
        .into_iter()
        .filter_map(|pid| parent_and_ticks(pid).map(|(parent, ticks)| (pid, parent, ticks)))
        .collect();
    let mut in_tree = vec![root];
    let mut total = 0;
    let mut index = 0;
    while index < in_tree.len() {
        let pid = in_tree[index];
        for &(child, parent, ticks) in &processes {
            if child == pid {
                total += ticks;
            }
            if parent == pid && child != pid {
                in_tree.push(child);
            }
        }
        index += 1;
    }
    total
}

/// CPU ticks of a process tree read at regular times.
pub struct CpuTrace {
    /// (time since the trace started, cumulative ticks).
    pub samples: Vec<(Duration, u64)>,
}

impl CpuTrace {
    /// Reads the ticks of `root`'s tree every `interval` for `length`.
    pub fn record(root: u32, interval: Duration, length: Duration) -> CpuTrace {
        let start = Instant::now();
        let mut samples = Vec::new();
        while start.elapsed() < length {
            samples.push((start.elapsed(), tree_ticks(root)));
            std::thread::sleep(interval);
        }
        CpuTrace { samples }
    }

    /// Returns the earliest sample time after which the tree used at most
    /// `allowed_ticks` more until the end of the trace, or `None` if it
    /// never went quiet.
    pub fn quiet_after(&self, allowed_ticks: u64) -> Option<Duration> {
        let (_, last) = *self.samples.last()?;
        self.samples
            .iter()
            .find(|&&(_, ticks)| last.saturating_sub(ticks) <= allowed_ticks)
            .map(|&(time, _)| time)
    }

    /// Returns the mean number of busy cores over the trace.
    pub fn busy_cores(&self) -> f64 {
        match (self.samples.first(), self.samples.last()) {
            (Some(&(t0, first)), Some(&(t1, last))) if t1 > t0 => {
                last.saturating_sub(first) as f64 / TICKS_PER_SECOND / (t1 - t0).as_secs_f64()
            }
            _ => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_uses_ticks() {
        let pid = std::process::id();
        let before = tree_ticks(pid);
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(
            tree_ticks(pid) > before,
            "200 ms of busy loop used no ticks"
        );
    }

    #[test]
    fn quiet_after_finds_last_activity() {
        let ms = Duration::from_millis;
        let trace = CpuTrace {
            samples: vec![
                (ms(0), 0),
                (ms(10), 2),
                (ms(20), 4),
                (ms(30), 4),
                (ms(40), 4),
            ],
        };
        assert_eq!(trace.quiet_after(0), Some(ms(20)));
        assert_eq!(trace.quiet_after(2), Some(ms(10)));
    }
}
