//! The test kit: builds members, users and grants straight into a test app's database
//! and hands back what a client needs (a JWT, a web session cookie with its CSRF token).
//!
//! ```ignore
//! let kit = TestKit::new(&ctx);
//! let a = kit.member("alpha", &["hr"]).await;
//! let hr = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
//! let token = kit.jwt(&hr);
//! ```
use chrono::NaiveDate;
use loco_rs::app::AppContext;

use crate::{
    audit::Actor,
    auth::{self, NewUser},
    authz::Role,
    entities::{members, users},
    member::{self, MemberInput},
    scope::services,
    seed::luhn_complete,
};

/// The password of every kit user.
pub const PASSWORD: &str = "mot-de-passe-de-test";

/// A signed-in browser: the cookie header value and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub cookie: String,
    pub csrf: String,
}

/// Builders over a booted test app.
#[derive(Clone, Copy)]
pub struct TestKit<'a> {
    pub ctx: &'a AppContext,
}

#[expect(clippy::expect_used, reason = "a test kit fails loudly")]
impl<'a> TestKit<'a> {
    #[must_use]
    pub fn new(ctx: &'a AppContext) -> Self {
        Self { ctx }
    }

    /// A member subscribed since 2020-01-01 to `modules`.
    pub async fn member(&self, slug: &str, modules: &[&str]) -> members::Model {
        // A SIREN of its own per slug (SIRENs are unique): FNV-1a of the slug.
        let h = slug.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let n: u64 = h % 90_000_000 + 10_000_000;
        let m = member::create_member(
            &self.ctx.db,
            &Actor::system("test"),
            &MemberInput {
                name: format!("Association {slug}"),
                slug: slug.to_string(),
                siren: luhn_complete(&n.to_string()),
                address: "1 rue de la Paix, 75002 Paris".to_string(),
                finess: String::new(),
                vat_status: "exempt".to_string(),
                billing_email: format!("compta@{slug}.test"),
            },
        )
        .await
        .expect("create member");
        let start = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
        for module in modules {
            member::subscribe(
                &self.ctx.db,
                &Actor::system("test"),
                &m,
                module,
                start,
                None,
            )
            .await
            .expect("subscribe");
        }
        m
    }

    /// A user holding `role` in `member` (or in the cooperative for coop roles).
    pub async fn user(
        &self,
        email: &str,
        role: Role,
        member: Option<&members::Model>,
    ) -> users::Model {
        let u = match auth::find_user_by_email(&self.ctx.db, email)
            .await
            .expect("find user")
        {
            Some(u) => u,
            None => auth::create_user(
                &self.ctx.db,
                &Actor::system("test"),
                &NewUser {
                    email: email.to_string(),
                    name: email.split('@').next().unwrap_or(email).to_string(),
                    password: PASSWORD.to_string(),
                },
            )
            .await
            .expect("create user"),
        };
        self.grant(&u, role, member).await;
        u
    }

    /// One more grant.
    pub async fn grant(&self, u: &users::Model, role: Role, member: Option<&members::Model>) {
        services(self.ctx)
            .expect("services")
            .authz
            .grant(u.id, role, member.map(|m| m.id))
            .await
            .expect("grant");
    }

    /// A JWT for the API.
    #[must_use]
    pub fn jwt(&self, u: &users::Model) -> String {
        let svc = services(self.ctx).expect("services");
        auth::issue_jwt(&svc.jwt_secret, u.id, 3600).expect("jwt")
    }

    /// `Bearer …` header value.
    #[must_use]
    pub fn bearer(&self, u: &users::Model) -> String {
        format!("Bearer {}", self.jwt(u))
    }

    /// A web session.
    pub async fn web(&self, u: &users::Model) -> WebSession {
        let (token, s) = auth::open_session(&self.ctx.db, u.id)
            .await
            .expect("session");
        WebSession {
            cookie: format!("{}={token}", crate::scope::SESSION_COOKIE),
            csrf: s.csrf_token,
        }
    }

    /// An API key for an external usage source.
    pub async fn api_key(&self, name: &str) -> String {
        auth::create_api_key(&self.ctx.db, &Actor::system("test"), name)
            .await
            .expect("api key")
            .1
    }
}
