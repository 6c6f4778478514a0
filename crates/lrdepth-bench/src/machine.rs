//! Facts about the machine and the tools, for the head of the results.

use std::fs;
use std::process::Command;

/// The machine and tool versions a benchmark run used.
#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu_model: String,
    /// Logical cores, as the operating system reports them.
    pub cores: usize,
    pub chromium: String,
    pub rustc: String,
    pub trunk: String,
    pub node: String,
    pub git_commit: String,
    /// One-, five- and fifteen-minute load averages from /proc/loadavg.
    pub load_average: String,
}

impl Machine {
    /// Reads the facts; a fact that cannot be read is `unknown (reason)`.
    pub fn read(chrome: &str) -> Machine {
        Machine {
            cpu_model: cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            chromium: command_output(chrome, &["--version"]),
            rustc: command_output("rustc", &["--version"]),
            trunk: command_output("trunk", &["--version"]),
            node: command_output("node", &["--version"]),
            git_commit: command_output("git", &["rev-parse", "--short", "HEAD"]),
            load_average: load_average(),
        }
    }
}

/// Returns the first three fields of /proc/loadavg.
pub fn load_average() -> String {
    match fs::read_to_string("/proc/loadavg") {
        Ok(text) => text
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        Err(error) => format!("unknown ({error})"),
    }
}

fn cpu_model() -> String {
    let text = match fs::read_to_string("/proc/cpuinfo") {
        Ok(text) => text,
        Err(error) => return format!("unknown ({error})"),
    };
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == "model name")
        .map(|(_, value)| value.trim().to_string())
        .unwrap_or_else(|| "unknown (no model name in /proc/cpuinfo)".to_string())
}

fn command_output(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        }
        Ok(output) => format!("unknown ({program} exited with {})", output.status),
        Err(error) => format!("unknown ({program}: {error})"),
    }
}
