//! What the platform writes to its logs: never a secret typed by a user.
//!
//! A binary of its own: a thread-local log subscriber misses events while the other
//! end-to-end tests run on other threads (tracing's cached per-callsite interest).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "integration/common.rs"]
#[allow(dead_code)]
mod common;

use common::*;
use mutualis_core::authz::Role;

/// A `Write` into a shared buffer, for capturing logs.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_login_logs_no_email_typed() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let m = kit.member("alpha", &[]).await;
        kit.user("dir@alpha.test", Role::Director, Some(&m)).await;
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let (k, v) = csrf_cookie();
        // A password typed in the e-mail field, then a wrong password for a real account.
        for email in ["Tr0ub4dor&3-secret", "dir@alpha.test"] {
            let res = server
                .post("/login")
                .add_header(k, v)
                .form(&[
                    ("csrf", "token-abc"),
                    ("email", email),
                    ("password", "wrong-one"),
                ])
                .await;
            assert_eq!(res.status_code(), 401);
        }
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("failed login").count(), 2, "{text}");
        assert!(
            !text.contains("Tr0ub4dor") && !text.contains("dir@alpha.test"),
            "{text}"
        );
    })
    .await;
}
