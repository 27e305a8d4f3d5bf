//! Limits on one evaluation: a cost budget, a deadline and a cancel flag, checked between blocks
//! of rows. Formulas come from users, so every evaluation a user can start runs under one; the
//! store sets the flag when the request that asked goes away.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Why an evaluation stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It ran past its deadline.
    TimedOut,
    /// Whoever asked went away (the request was dropped, the job cancelled).
    Cancelled,
    /// It would read more than its cost budget allows.
    OverBudget,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stopped::TimedOut => "evaluation ran past its deadline",
            Stopped::Cancelled => "evaluation cancelled",
            Stopped::OverBudget => "evaluation over its cost budget",
        })
    }
}

impl std::error::Error for Stopped {}

/// What one evaluation may spend. Cost is counted in row-steps: each record read, times the
/// steps of the condition applied to it.
#[derive(Debug)]
pub struct Budget {
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
    left: AtomicU64,
}

impl Budget {
    /// No deadline, no cost limit, no cancel flag (trusted work: benchmarks, commands).
    pub fn unlimited() -> Self {
        Budget { deadline: None, cancel: None, left: AtomicU64::new(u64::MAX) }
    }

    /// At most `max_cost` row-steps, ending `within` from now.
    pub fn new(within: Option<Duration>, max_cost: u64) -> Self {
        Budget { deadline: within.map(|d| Instant::now() + d), cancel: None, left: AtomicU64::new(max_cost) }
    }

    /// The same budget, stopped as soon as `flag` is set.
    pub fn cancelled_by(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Spends `cost` row-steps; refuses when the flag is set, the deadline passed or the budget
    /// is spent.
    pub fn charge(&self, cost: u64) -> Result<(), Stopped> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Stopped::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Stopped::TimedOut);
        }
        let spent = self.left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(cost));
        spent.map(|_| ()).map_err(|_| Stopped::OverBudget)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_until_spent_and_stops_on_the_flag_or_the_deadline() {
        let b = Budget::new(None, 10);
        assert_eq!(b.charge(6), Ok(()));
        assert_eq!(b.charge(5), Err(Stopped::OverBudget));
        assert_eq!(b.charge(4), Ok(()), "a refused charge spends nothing");
        let flag = Arc::new(AtomicBool::new(false));
        let b = Budget::unlimited().cancelled_by(flag.clone());
        assert_eq!(b.charge(u64::MAX / 2), Ok(()));
        flag.store(true, Ordering::Relaxed);
        assert_eq!(b.charge(0), Err(Stopped::Cancelled));
        assert_eq!(Budget::new(Some(Duration::ZERO), u64::MAX).charge(0), Err(Stopped::TimedOut));
    }
}
