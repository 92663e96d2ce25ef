//! The module list: every module of the app is in the catalogue, visible where a
//! member's modules are (its home, its navigation, `/coop/members`), with its French
//! name — including IT support, whose usage is billed.
use mutualis_core::authz::Role;

use crate::common::*;

#[tokio::test]
async fn it_support_is_a_module_members_see_where_their_modules_are() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing", "it"]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let s = kit.web(&dir).await;

        // The member's home lists it and the navigation opens its page.
        let home = web_get(&server, &s, "/m/alpha").await;
        assert_eq!(home.status_code(), 200);
        let html = home.text();
        assert!(
            html.contains("Support informatique"),
            "home lists the module"
        );
        assert!(
            html.contains("href=\"/m/alpha/it\""),
            "navigation links the module"
        );
        let page = web_get(&server, &s, "/m/alpha/it").await;
        assert_eq!(page.status_code(), 200);
        assert!(
            page.text().contains("Heures de support informatique"),
            "its meters shown"
        );

        // The cooperative's member list shows it too.
        let admin = kit.user("admin@coop.test", Role::CoopAdmin, None).await;
        let list = web_get(&server, &kit.web(&admin).await, "/coop/members").await;
        assert!(list.text().contains("Support informatique"));

        // The API names it.
        let api = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/modules/it").await;
        assert_eq!(api.status_code(), 200, "{}", api.text());
        assert!(api.text().contains("Support informatique"));

        // Who may not see IT usage does not get the entry.
        let staff = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let st = kit.web(&staff).await;
        assert!(
            !web_get(&server, &st, "/m/alpha")
                .await
                .text()
                .contains("href=\"/m/alpha/it\"")
        );
        assert_eq!(
            web_get(&server, &st, "/m/alpha/it").await.status_code(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn an_object_of_no_listed_module_is_refused() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["billing"]).await;
        let dir = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        // The generic module page of a code no module declares.
        let r = web_get(&server, &kit.web(&dir).await, "/m/alpha/ghost").await;
        assert_eq!(r.status_code(), 404);
        assert!(
            r.text().contains("introuvable") || r.text().contains("n’existe"),
            "French page"
        );
        let r = api_get(&server, &kit.bearer(&dir), "/api/m/alpha/modules/ghost").await;
        assert_eq!(r.status_code(), 404);
    })
    .await;
}
