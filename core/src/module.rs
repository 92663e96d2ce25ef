//! The module kit: what a business module declares once ([`ModuleDef`]) and the one
//! list of modules the app installs ([`install`]). The router, the navigation, the
//! module catalogue and its French names, the casbin policies, the meters, the demo
//! seed and the tasks are all derived from that list (see `core::kit`).
use std::{future::Future, pin::Pin, sync::OnceLock};

use loco_rs::{app::AppContext, controller::Routes, task::Task};

use crate::{
    audit::labels::AuditLabels,
    authz::Role,
    error::{AppError, AppResult},
    metering::Meter,
    scope::{NavEntry, Services},
};

/// A boxed future, for the async hooks a module declares as plain `fn` pointers.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boot hook: runs once the database is migrated and core's services are built
/// (validate the module's settings, store them in the shared store…).
pub type BootFn = for<'a> fn(&'a AppContext) -> BoxFut<'a, AppResult<()>>;

/// The module's part of the OpenAPI document (its API handlers' `#[utoipa::path]`).
pub type ApiDocFn = fn() -> utoipa::openapi::OpenApi;

/// The demo seed of a module (development only, on an empty database).
pub type SeedFn = for<'a> fn(&'a AppContext, &'a Services) -> BoxFut<'a, AppResult<()>>;

/// One generated file of a member's export (`files/<module>/<path>` in the zip).
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// The path inside the module's folder (`factures/F-2026-0001.pdf`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The files a module generates for one member, for its export on departure
/// (`core::offboarding`): reuses the module's own generators.
pub type ExportsFn =
    for<'a> fn(&'a AppContext, crate::tenant::Tenant) -> BoxFut<'a, AppResult<Vec<ExportFile>>>;

pub use crate::offboarding::retention::{Clear, Keep, Retention};

/// An entry of a member's navigation: shown when the user may `act` on `obj`. `path`
/// is relative to `/m/{slug}/` (`"hr"`, `"hr/me"`).
#[derive(Debug, Clone, Copy)]
pub struct MemberNav {
    pub label: &'static str,
    pub path: &'static str,
    pub obj: &'static str,
    pub act: &'static str,
}

/// One grant of a role policy: `role` may `act` on `obj` (in any member's domain for a
/// member role, in the cooperative's for a cooperative role). Objects start with the
/// module's code (`hr.employees`).
pub type Policy = (Role, &'static str, &'static str);

/// Everything a module is, declared once by the module (`pub const MODULE: ModuleDef`).
#[derive(Clone, Copy)]
pub struct ModuleDef {
    /// The catalogue code (`hr`), the first segment of its casbin objects.
    pub code: &'static str,
    /// The French name shown everywhere (`Ressources humaines`).
    pub label: &'static str,
    /// Its routes (API and pages).
    pub routes: fn() -> Vec<Routes>,
    /// Entries in a member's navigation: the first one the user may open is shown.
    /// Empty: the module's landing page (`/m/{slug}/{code}`, needs `{code}.home` read).
    pub member_nav: &'static [MemberNav],
    /// Entries in the cooperative's navigation.
    pub coop_nav: &'static [NavEntry],
    /// Entries for the people who serve members (a shared DPO, a payroll officer): a
    /// cooperative-level page shown to a user allowed `act` on `obj` in at least one
    /// member subscribing to the module (`core::served`), with or without a
    /// cooperative role.
    pub served_nav: &'static [NavEntry],
    /// The meters it records (each with `module == code`).
    pub meters: &'static [Meter],
    /// What each role may do in the module.
    pub policies: &'static [Policy],
    /// Runs at boot, after core's services (settings validation…).
    pub boot: Option<BootFn>,
    /// The demo data of the development database.
    pub seed: Option<SeedFn>,
    /// Its CLI tasks (`cargo loco task NAME`).
    pub tasks: fn() -> Vec<Box<dyn Task>>,
    /// Its API in the OpenAPI document served at `/api/openapi.json`.
    pub api_doc: Option<ApiDocFn>,
    /// Read without a subscription: what concerns every member whatever it subscribes
    /// to (billing: every member is invoiced), still subject to the policies.
    pub read_unsubscribed: bool,
    /// The French labels of the audit rows it records (object types, actions, detail
    /// keys and codes, task names): the audit log page and its CSV read them.
    pub audit_labels: AuditLabels,
    /// The files it generates for a member, added to the member's export on departure.
    pub exports: Option<ExportsFn>,
    /// What of a departing member's rows the law keeps, table by table, and why
    /// (`core::offboarding`); every other row of the member is erased.
    pub retention: &'static [Retention],
}

impl std::fmt::Debug for ModuleDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleDef")
            .field("code", &self.code)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

fn no_routes() -> Vec<Routes> {
    Vec::new()
}

fn no_tasks() -> Vec<Box<dyn Task>> {
    Vec::new()
}

impl ModuleDef {
    /// A module with nothing but its code and name; add the rest with the `const`
    /// builders below.
    #[must_use]
    pub const fn new(code: &'static str, label: &'static str) -> Self {
        Self {
            code,
            label,
            routes: no_routes,
            member_nav: &[],
            coop_nav: &[],
            served_nav: &[],
            meters: &[],
            policies: &[],
            boot: None,
            seed: None,
            tasks: no_tasks,
            api_doc: None,
            read_unsubscribed: false,
            audit_labels: AuditLabels::NONE,
            exports: None,
            retention: &[],
        }
    }

    /// The French labels of its audit rows.
    #[must_use]
    pub const fn audit_labels(mut self, labels: AuditLabels) -> Self {
        self.audit_labels = labels;
        self
    }

    /// Its objects are read without a subscription (still by the policies).
    #[must_use]
    pub const fn read_unsubscribed(mut self) -> Self {
        self.read_unsubscribed = true;
        self
    }

    #[must_use]
    pub const fn routes(mut self, routes: fn() -> Vec<Routes>) -> Self {
        self.routes = routes;
        self
    }

    #[must_use]
    pub const fn member_nav(mut self, nav: &'static [MemberNav]) -> Self {
        self.member_nav = nav;
        self
    }

    #[must_use]
    pub const fn coop_nav(mut self, nav: &'static [NavEntry]) -> Self {
        self.coop_nav = nav;
        self
    }

    #[must_use]
    pub const fn served_nav(mut self, nav: &'static [NavEntry]) -> Self {
        self.served_nav = nav;
        self
    }

    #[must_use]
    pub const fn meters(mut self, meters: &'static [Meter]) -> Self {
        self.meters = meters;
        self
    }

    #[must_use]
    pub const fn policies(mut self, policies: &'static [Policy]) -> Self {
        self.policies = policies;
        self
    }

    #[must_use]
    pub const fn boot(mut self, boot: BootFn) -> Self {
        self.boot = Some(boot);
        self
    }

    #[must_use]
    pub const fn seed(mut self, seed: SeedFn) -> Self {
        self.seed = Some(seed);
        self
    }

    #[must_use]
    pub const fn api_doc(mut self, doc: ApiDocFn) -> Self {
        self.api_doc = Some(doc);
        self
    }

    /// The files it generates for a member's export on departure.
    #[must_use]
    pub const fn exports(mut self, exports: ExportsFn) -> Self {
        self.exports = Some(exports);
        self
    }

    /// What of a departing member's rows the law keeps.
    #[must_use]
    pub const fn retention(mut self, rules: &'static [Retention]) -> Self {
        self.retention = rules;
        self
    }

    #[must_use]
    pub const fn tasks(mut self, tasks: fn() -> Vec<Box<dyn Task>>) -> Self {
        self.tasks = tasks;
        self
    }

    /// The navigation entries of a member's section: the declared ones, or the
    /// module's landing page.
    #[must_use]
    pub fn nav(&self) -> Vec<MemberNav> {
        if self.member_nav.is_empty() {
            vec![MemberNav {
                label: self.label,
                path: self.code,
                obj: "",
                act: "read",
            }]
        } else {
            self.member_nav.to_vec()
        }
    }
}

/// The objects of core's own areas (not modules): reached without a subscription.
pub const CORE_AREAS: [&str; 4] = ["member", "coop", "usage", "audit"];

static REGISTRY: OnceLock<&'static [&'static ModuleDef]> = OnceLock::new();

/// Checks a list of modules: codes unique, well formed, not a core area; each meter
/// and policy belongs to its module.
///
/// # Errors
/// A message naming the module and what is wrong.
pub fn check(modules: &[&ModuleDef]) -> Result<(), String> {
    for (i, m) in modules.iter().enumerate() {
        let code_ok = !m.code.is_empty()
            && m.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
        if !code_ok {
            return Err(format!("module code « {} » is not [a-z0-9_]+", m.code));
        }
        if CORE_AREAS.contains(&m.code) {
            return Err(format!("module code « {} » is one of core's areas", m.code));
        }
        if modules[..i].iter().any(|o| o.code == m.code) {
            return Err(format!("module « {} » is listed twice", m.code));
        }
        for meter in m.meters {
            if meter.module != m.code || !meter.code.starts_with(&format!("{}.", m.code)) {
                return Err(format!(
                    "meter « {} » is declared by module « {} » but belongs to « {} »",
                    meter.code, m.code, meter.module
                ));
            }
        }
        for (role, obj, _) in m.policies {
            if obj.split('.').next() != Some(m.code) {
                return Err(format!(
                    "policy « {} » on « {obj} » is declared by module « {} »",
                    role.as_str(),
                    m.code
                ));
            }
        }
    }
    for m in modules {
        for r in m.retention {
            if !r.table.starts_with(&format!("{}_", m.code)) {
                return Err(format!(
                    "retention rule on table « {} » is declared by module « {} »",
                    r.table, m.code
                ));
            }
        }
    }
    crate::audit::labels::check(modules)
}

/// Installs the app's list of modules (once per process; installing the same list again
/// is a no-op).
///
/// # Errors
/// The list is invalid ([`check`]), or a different list was installed before.
pub fn install(modules: &'static [&'static ModuleDef]) -> AppResult<()> {
    check(modules).map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    let installed = REGISTRY.get_or_init(|| modules);
    let same = installed.len() == modules.len()
        && installed.iter().zip(modules).all(|(a, b)| a.code == b.code);
    if same {
        Ok(())
    } else {
        Err(AppError::Unexpected(anyhow::anyhow!(
            "another list of modules is already installed"
        )))
    }
}

/// The installed modules, in the app's order (empty before [`install`]).
#[must_use]
pub fn all() -> &'static [&'static ModuleDef] {
    REGISTRY.get().copied().unwrap_or(&[])
}

/// The installed module of that code.
#[must_use]
pub fn get(code: &str) -> Option<&'static ModuleDef> {
    all().iter().find(|m| m.code == code).copied()
}

/// Whether `code` is an installed module.
#[must_use]
pub fn is_module(code: &str) -> bool {
    get(code).is_some()
}

/// The French name of a module code (`Module inconnu` for a code not installed).
#[must_use]
pub fn label(code: &str) -> &'static str {
    get(code).map_or("Module inconnu", |m| m.label)
}

/// The module-owned role policies of the installed modules.
#[must_use]
pub fn policies() -> Vec<Policy> {
    all()
        .iter()
        .flat_map(|m| m.policies.iter().copied())
        .collect()
}

/// Compares the installed modules with the catalogue's codes (the `modules` table).
///
/// # Errors
/// A message naming the modules missing from the catalogue (a migration not written)
/// and the catalogue rows no installed module declares.
pub fn check_catalogue(modules: &[&ModuleDef], catalogue: &[String]) -> Result<(), String> {
    let missing: Vec<&str> = modules
        .iter()
        .map(|m| m.code)
        .filter(|c| !catalogue.iter().any(|x| x == c))
        .collect();
    let extra: Vec<&str> = catalogue
        .iter()
        .map(String::as_str)
        .filter(|c| !modules.iter().any(|m| m.code == *c))
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "modules listed by the app but absent from the catalogue table `modules` (add their migration): {}",
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        problems.push(format!(
            "modules in the catalogue table `modules` that no listed module declares (list them in src/app.rs): {}",
            extra.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::Aggregation;

    const A: ModuleDef = ModuleDef::new("alpha", "Alpha")
        .meters(&[Meter {
            code: "alpha.things",
            module: "alpha",
            aggregation: Aggregation::Count,
            unit: "choses",
            label: "Choses",
            max_per_event: 1_000_000,
        }])
        .policies(&[(Role::Director, "alpha.*", "*")]);

    #[test]
    fn a_list_is_checked() {
        assert!(check(&[&A]).is_ok());
        let twice = check(&[&A, &A]).unwrap_err();
        assert!(twice.contains("listed twice"), "{twice}");
        let stray_meter = ModuleDef::new("beta", "Bêta").meters(A.meters);
        let e = check(&[&stray_meter]).unwrap_err();
        assert!(e.contains("alpha.things"), "{e}");
        let stray_policy = ModuleDef::new("beta", "Bêta").policies(A.policies);
        assert!(check(&[&stray_policy]).unwrap_err().contains("alpha.*"));
        assert!(check(&[&ModuleDef::new("member", "M")]).is_err());
        assert!(check(&[&ModuleDef::new("Bad Code", "M")]).is_err());
    }

    #[test]
    fn the_catalogue_must_match() {
        let cat = |c: &[&str]| c.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert!(check_catalogue(&[&A], &cat(&["alpha"])).is_ok());
        let e = check_catalogue(&[&A], &cat(&[])).unwrap_err();
        assert!(
            e.contains("absent from the catalogue") && e.contains("alpha"),
            "{e}"
        );
        let e = check_catalogue(&[&A], &cat(&["alpha", "ghost"])).unwrap_err();
        assert!(
            e.contains("no listed module declares") && e.contains("ghost"),
            "{e}"
        );
    }

    #[test]
    fn landing_page_when_no_nav_is_declared() {
        let nav = A.nav();
        assert_eq!(nav.len(), 1);
        assert_eq!(nav[0].path, "alpha");
        assert_eq!(nav[0].label, "Alpha");
    }
}
