//! In-process single-flight: concurrent calls with the same key share one execution.
//!
//! The work runs on its own task, so a caller that gives up does not cancel it for the others,
//! and its result still reaches the cache.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::error::FigmaError;

type Flight<T> = Shared<BoxFuture<'static, Result<T, FigmaError>>>;

pub(crate) struct SingleFlight<T: Clone + Send + Sync + 'static> {
    in_flight: Arc<Mutex<HashMap<String, Flight<T>>>>,
}

impl<T: Clone + Send + Sync + 'static> Default for SingleFlight<T> {
    fn default() -> Self {
        SingleFlight {
            in_flight: Arc::default(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> SingleFlight<T> {
    /// Runs `work()` unless a call with the same `key` is already running, in which case its
    /// result is awaited instead. Returns the result and whether this call started the work.
    pub async fn run<F, Fut>(&self, key: String, work: F) -> Result<T, FigmaError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, FigmaError>> + Send + 'static,
    {
        let flight = {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            match in_flight.get(&key) {
                Some(flight) => flight.clone(),
                None => {
                    let task = tokio::spawn(work());
                    let registry = Arc::clone(&self.in_flight);
                    let entry = key.clone();
                    let flight = async move {
                        let result = task.await.unwrap_or_else(|join| {
                            Err(FigmaError::Internal {
                                detail: format!("a Figma fetch task failed: {join}"),
                            })
                        });
                        // Our entry is the only one under this key until it is removed here.
                        registry
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .remove(&entry);
                        result
                    }
                    .boxed()
                    .shared();
                    in_flight.insert(key, flight.clone());
                    flight
                }
            }
        };
        flight.await
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn concurrent_calls_share_one_execution() {
        let flights = Arc::new(SingleFlight::<u32>::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..20 {
            let flights = Arc::clone(&flights);
            let runs = Arc::clone(&runs);
            handles.push(tokio::spawn(async move {
                flights
                    .run("k".into(), move || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(7)
                    })
                    .await
            }));
        }
        for handle in handles {
            assert_eq!(handle.await.unwrap().unwrap(), 7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(flights.len(), 0, "finished flights are forgotten");
    }

    #[tokio::test]
    async fn errors_are_shared_and_the_next_call_runs_again() {
        let flights = SingleFlight::<u32>::default();
        let err = flights
            .run("k".into(), || async {
                Err(FigmaError::Internal {
                    detail: "boom".into(),
                })
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert_eq!(
            flights.run("k".into(), || async { Ok(1) }).await.unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn a_cancelled_caller_does_not_cancel_the_work() {
        let flights = Arc::new(SingleFlight::<u32>::default());
        let done = Arc::new(AtomicUsize::new(0));
        let first = {
            let flights = Arc::clone(&flights);
            let done = Arc::clone(&done);
            tokio::spawn(async move {
                flights
                    .run("k".into(), move || async move {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        done.fetch_add(1, Ordering::SeqCst);
                        Ok(3)
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        // A later caller joins the same flight and gets its result.
        let value = flights.run("k".into(), || async { Ok(99) }).await.unwrap();
        assert_eq!(value, 3);
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }
}
