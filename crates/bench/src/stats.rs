//! Medians and spreads over repeated runs, and the process's memory figures.

use std::fmt;

/// One figure measured over several runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Median of the runs.
    pub median: f64,
    /// Lowest run.
    pub min: f64,
    /// Highest run.
    pub max: f64,
}

impl Spread {
    /// Median, lowest and highest of `values`; all zero when there are none.
    pub fn of(values: &[f64]) -> Spread {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return Spread {
                median: 0.0,
                min: 0.0,
                max: 0.0,
            };
        }
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median = if sorted.len().is_multiple_of(2) {
            (sorted[mid - 1] + sorted[mid]) / 2.0
        } else {
            sorted[mid]
        };
        Spread {
            median,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        }
    }
}

impl fmt::Display for Spread {
    /// `median (min-max)`, with the caller's precision.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision().unwrap_or(0);
        write!(
            f,
            "{:.p$} ({:.p$}-{:.p$})",
            self.median,
            self.min,
            self.max,
            p = precision
        )
    }
}

/// A value of `/proc/self/status` in bytes (`VmHWM`, `VmRSS`); `None` off Linux.
pub fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kib: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kib * 1024)
    })
}

/// Resets the peak-RSS mark (`VmHWM`) to the current RSS, so that the next reading
/// is the peak of what follows. Returns false where the kernel does not allow it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Bytes as MB with one decimal.
pub fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_of_odd_runs_is_the_middle_run() {
        let s = Spread::of(&[3.0, 1.0, 2.0]);
        assert_eq!(
            s,
            Spread {
                median: 2.0,
                min: 1.0,
                max: 3.0
            }
        );
        assert_eq!(format!("{s:.1}"), "2.0 (1.0-3.0)");
    }

    #[test]
    fn spread_of_even_runs_averages_the_middle_two_and_skips_non_finite() {
        let s = Spread::of(&[4.0, f64::NAN, 1.0, 2.0, 3.0]);
        assert_eq!(s.median, 2.5);
        assert_eq!((s.min, s.max), (1.0, 4.0));
    }

    #[test]
    fn proc_status_reads_peak_rss_on_linux() {
        if cfg!(target_os = "linux") {
            let peak = proc_status_bytes("VmHWM").expect("VmHWM on Linux");
            assert!(peak > 0);
        }
        assert_eq!(proc_status_bytes("NoSuchField"), None);
    }
}
