//! The request caches (`core::cache`, casbin's memo in `Authz`) never answer with what
//! has changed: each change is seen by the very next request.
use chrono::Duration;
use mutualis_core::{
    audit::Actor,
    auth,
    authz::Role,
    member::{self, MemberInput},
    scope::services,
    testkit::TestKit,
    time::paris_today,
};

use crate::common::*;

#[tokio::test]
async fn every_change_is_seen_by_the_next_request() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let rh = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let bearer = kit.bearer(&rh);
        let s = kit.web(&rh).await;
        let list = "/api/m/alpha/hr/employees";
        // Twice: the second answer is built from what the first one cached.
        for _ in 0..2 {
            assert_eq!(api_get(&server, &bearer, list).await.status_code(), 200);
        }
        let page = web_get(&server, &s, "/m/alpha/hr").await;
        assert_eq!(page.status_code(), 200);
        assert!(page.text().contains("Association alpha"));

        // The member renamed: its pages say so at once.
        let input = MemberInput {
            name: "Les Alphas réunis".to_string(),
            slug: a.slug.clone(),
            siren: a.siren.clone(),
            address: a.address.clone(),
            finess: a.finess.clone().unwrap_or_default(),
            vat_status: a.vat_status.clone(),
            billing_email: a.billing_email.clone(),
        };
        member::update_member(&ctx.db, &Actor::system("test"), &a, &input)
            .await
            .unwrap();
        let page = web_get(&server, &s, "/m/alpha/hr").await;
        assert!(page.text().contains("Les Alphas réunis"), "{}", page.text());

        // The role revoked: the member is out of sight at once; granted again, back.
        let svc = services(&ctx).unwrap();
        svc.authz
            .revoke(rh.id, Role::HrOfficer, Some(a.id))
            .await
            .unwrap();
        assert_eq!(api_get(&server, &bearer, list).await.status_code(), 404);
        svc.authz
            .grant(rh.id, Role::HrOfficer, Some(a.id))
            .await
            .unwrap();
        assert_eq!(api_get(&server, &bearer, list).await.status_code(), 200);

        // The subscription ended yesterday: the module answers 403 at once.
        let sub = member::subscriptions(&ctx.db, a.id)
            .await
            .unwrap()
            .remove(0);
        let yesterday = paris_today() - Duration::days(1);
        member::end_subscription(&ctx.db, &Actor::system("test"), &a, sub.id, yesterday)
            .await
            .unwrap();
        let r = api_get(&server, &bearer, list).await;
        assert_eq!(r.status_code(), 403);
        assert!(r.text().contains("Ressources humaines"), "{}", r.text());

        // The account disabled: its token and its session stop at once.
        auth::set_disabled(&ctx.db, &Actor::system("test"), rh.id, true)
            .await
            .unwrap();
        assert_eq!(
            api_get(&server, &bearer, "/api/me").await.status_code(),
            401
        );
        let page = web_get(&server, &s, "/m/alpha/hr").await;
        assert_ne!(page.status_code(), 200);
        assert!(!page.text().contains("Les Alphas réunis"));
    })
    .await;
}
