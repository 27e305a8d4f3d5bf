//! Running the engine for a request: on a blocking thread (so the async workers stay free and the
//! request can go away while it runs), under the view's [`crate::EvalLimits`], with a cancel flag
//! that is set when the future awaiting the result is dropped.

use super::Scoped;
use crate::StoreError;
use kaohe_domain::indicator::Plan;
use kaohe_engine::{Budget, Snapshot, Stopped};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Sets the flag when dropped: the awaiting future went away (the client closed the request).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Scoped<'_> {
    /// Runs `work` on `snap` on a blocking thread under a fresh budget of this view's limits.
    /// Dropping the returned future cancels the work at its next block of rows.
    pub(crate) async fn run_engine<T, F>(&self, snap: Arc<Snapshot>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &Budget) -> Result<T, Stopped> + Send + 'static,
    {
        run_cancellable(self.limits.budget(), move |budget| work(&snap, budget)).await
    }

    /// As [`Scoped::run_engine`] for work over `plans` (copied once onto the evaluation's thread).
    pub(crate) async fn run_plans<T, F>(&self, snap: Arc<Snapshot>, plans: &[&Plan], work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &[&Plan], &Budget) -> Result<T, Stopped> + Send + 'static,
    {
        let owned: Vec<Plan> = plans.iter().map(|p| (*p).clone()).collect();
        self.run_engine(snap, move |s, b| work(s, &owned.iter().collect::<Vec<_>>(), b)).await
    }
}

/// Runs `work` on a blocking thread with `budget`, cancelled when the returned future is dropped.
async fn run_cancellable<T, F>(budget: Budget, work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&Budget) -> Result<T, Stopped> + Send + 'static,
{
    let flag = Arc::new(AtomicBool::new(false));
    let budget = budget.cancelled_by(flag.clone());
    let _cancel = CancelOnDrop(flag);
    let done = tokio::task::spawn_blocking(move || work(&budget)).await;
    match done {
        Ok(result) => Ok(result?),
        Err(e) => Err(StoreError::Corrupt(format!("evaluation thread failed: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn dropping_the_request_cancels_the_work() {
        let (tx, rx) = std::sync::mpsc::channel();
        let work = move |b: &Budget| -> Result<(), Stopped> {
            // Runs until stopped, as a runaway evaluation would.
            let outcome = loop {
                if let Err(s) = b.charge(1) {
                    break s;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            tx.send(outcome).ok();
            Err(outcome)
        };
        let request = run_cancellable(Budget::unlimited(), work);
        // The client goes away after 50 ms: the future is dropped.
        assert!(tokio::time::timeout(Duration::from_millis(50), request).await.is_err());
        let seen = rx.recv_timeout(Duration::from_secs(10)).expect("the work stopped");
        assert_eq!(seen, Stopped::Cancelled);
    }

    #[tokio::test]
    async fn a_deadline_or_budget_stops_the_work_with_its_reason() {
        let spin = |b: &Budget| -> Result<(), Stopped> {
            loop {
                b.charge(1_000)?;
            }
        };
        let e = run_cancellable(Budget::new(Some(Duration::from_millis(20)), u64::MAX), spin).await.unwrap_err();
        assert!(matches!(e, StoreError::Stopped(Stopped::TimedOut)), "{e:?}");
        let e = run_cancellable(Budget::new(None, 1_000_000), spin).await.unwrap_err();
        assert!(matches!(e, StoreError::Stopped(Stopped::OverBudget)), "{e:?}");
    }
}
