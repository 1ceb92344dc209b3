//! Cancellation of a run: a cheap, clonable handle. Once cancelled, the executor starts no new
//! step, lets the engine calls in flight finish, and reports the run as cancelled.

use std::sync::Arc;

use tokio::sync::watch;

/// A shared cancellation flag (clone it into a Ctrl-C handler, keep one in the options).
#[derive(Debug, Clone)]
pub struct CancelToken {
    flag: Arc<watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        let (flag, _) = watch::channel(false);
        CancelToken {
            flag: Arc::new(flag),
        }
    }

    /// Cancels every run using this token (or a clone of it). Idempotent.
    pub fn cancel(&self) {
        self.flag.send_replace(true);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        *self.flag.borrow()
    }

    /// Completes once the token is cancelled (at once if it already is).
    pub async fn cancelled(&self) {
        let mut watcher = self.flag.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = watcher.wait_for(|cancelled| *cancelled).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn clones_share_the_flag() {
        let token = CancelToken::new();
        let other = token.clone();
        assert!(!other.is_cancelled());
        let waiter = tokio::spawn({
            let other = other.clone();
            async move { other.cancelled().await }
        });
        token.cancel();
        waiter.await.expect("waiter finished");
        assert!(other.is_cancelled());
        // Already cancelled: returns at once.
        other.cancelled().await;
    }
}
