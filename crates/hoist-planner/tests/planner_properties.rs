//! Property-style checks over generated projects and states: plans are valid DAGs, applying a
//! plan converges (planning again yields an empty plan), and `down` leaves nothing behind.

mod common;

use common::*;
use hoist_planner::*;

/// A tiny deterministic pseudo-random generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const STATES: [ContainerState; 7] = [
    ContainerState::Created,
    ContainerState::Running,
    ContainerState::Paused,
    ContainerState::Restarting,
    ContainerState::Removing,
    ContainerState::Exited,
    ContainerState::Dead,
];

const CONDITIONS: [Condition; 3] = [
    Condition::Started,
    Condition::Healthy,
    Condition::CompletedSuccessfully,
];

/// A random acyclic project: service `sN` may depend on earlier services only.
fn random_project(rng: &mut Lcg) -> DesiredProject {
    let count = 1 + rng.below(5) as usize;
    let mut services = Vec::new();
    for index in 0..count {
        let mut s = svc(&format!("s{index}"));
        s.replicas = rng.below(4) as u32;
        if rng.chance(30) {
            s.volumes = vec!["data".into()];
        }
        if rng.chance(30) {
            s.networks.push("back".into());
        }
        for parent in 0..index {
            if rng.chance(35) {
                let condition = CONDITIONS[rng.below(3) as usize];
                let mut d = dep(&format!("s{parent}"), condition, rng.chance(40));
                d.required = rng.chance(70);
                s.depends_on.push(d);
            }
        }
        if index > 0 && rng.chance(20) {
            let parent = format!("s{}", rng.below(index as u64));
            s.namespace_parents.push(parent.clone());
            if !s.depends_on.iter().any(|d| d.service == parent) {
                s.depends_on.push(dep(&parent, Condition::Started, false));
            }
        }
        if s.replicas <= 1 && rng.chance(15) {
            s.container_name = Some(format!("custom-{index}"));
        }
        if rng.chance(30) {
            s.image_digest = Some(format!("sha256:{}", rng.below(3)));
        }
        services.push(s);
    }
    let mut desired = project(services);
    if desired
        .services
        .iter()
        .any(|s| s.networks.iter().any(|n| n == "back"))
    {
        desired.networks.push(network("back"));
    }
    desired
}

/// Perturbs a converged state and/or the desired project.
fn perturb(rng: &mut Lcg, desired: &mut DesiredProject, observed: &mut ObservedProject) {
    for c in &mut observed.containers {
        if rng.chance(25) {
            c.state = STATES[rng.below(7) as usize];
        }
        if rng.chance(15) {
            c.config_hash = "stale".into();
        }
        // Compose only checks network attachment of running containers (a stopped one keeps
        // its endpoint settings), so only those are disconnected.
        if rng.chance(5) && c.state == ContainerState::Running {
            c.network_ids.clear();
        }
    }
    for s in &mut desired.services {
        if rng.chance(25) {
            s.replicas = rng.below(4) as u32;
            if s.container_name.is_some() {
                s.replicas = s.replicas.min(1);
            }
        }
        if rng.chance(10) {
            s.image_digest = Some("sha256:new".into());
        }
    }
    if rng.chance(15) {
        desired.networks[0].config_hash = "nethash-changed".into();
    }
    if rng.chance(10) {
        let mut orphan = container("gone", 1, ContainerState::Running);
        orphan.network_ids = observed
            .networks
            .first()
            .map(|n| n.id.clone())
            .into_iter()
            .collect();
        observed.containers.push(orphan);
    }
}

fn random_options(rng: &mut Lcg) -> UpOptions {
    UpOptions {
        recreate: [Recreate::Diverged, Recreate::Force, Recreate::Never][rng.below(3) as usize],
        remove_orphans: true,
        timeout: rng.chance(50).then_some(5),
        ..Default::default()
    }
}

#[test]
fn planning_after_applying_yields_an_empty_plan() {
    let mut rng = Lcg(42);
    for case in 0..300 {
        let mut desired = random_project(&mut rng);
        let mut observed = converged(&desired);
        assert!(
            plan_up(&desired, &observed, &UpOptions::default())
                .unwrap()
                .is_empty(),
            "case {case}: fresh converge not idempotent"
        );
        perturb(&mut rng, &mut desired, &mut observed);
        let mut options = random_options(&mut rng);
        let (plan, next) = up_and_apply(&desired, &observed, &options);
        // Force recreates every time by design; re-plan with the default strategy then.
        if options.recreate == Recreate::Force {
            options.recreate = Recreate::Diverged;
        }
        let again = plan_up(&desired, &next, &options).unwrap();
        assert!(
            again.is_empty(),
            "case {case}: second plan not empty\nfirst:\n{plan}\nsecond:\n{again}\ndesired: {desired:#?}"
        );
    }
}

#[test]
fn create_then_up_only_starts() {
    let mut rng = Lcg(7);
    for case in 0..100 {
        let desired = random_project(&mut rng);
        let options = UpOptions {
            start: false,
            ..Default::default()
        };
        let (plan, created) = up_and_apply(&desired, &ObservedProject::default(), &options);
        assert_eq!(count(&plan, "StartContainer"), 0, "case {case}");
        let up_plan = plan_up(&desired, &created, &UpOptions::default()).unwrap();
        check_dag(&up_plan);
        assert!(
            up_plan.steps.iter().all(|s| matches!(
                s.action,
                Action::StartContainer { .. } | Action::WaitForDependency { .. }
            )),
            "case {case}: {up_plan}"
        );
    }
}

#[test]
fn every_service_reaches_its_scale_with_unique_names() {
    let mut rng = Lcg(99);
    for case in 0..200 {
        let mut desired = random_project(&mut rng);
        let mut observed = converged(&desired);
        perturb(&mut rng, &mut desired, &mut observed);
        let (_, next) = up_and_apply(&desired, &observed, &random_options(&mut rng));
        for s in &desired.services {
            let running = next
                .containers
                .iter()
                .filter(|c| c.service == s.name && c.state == ContainerState::Running)
                .count();
            assert_eq!(
                running, s.replicas as usize,
                "case {case}: service {}",
                s.name
            );
        }
        let mut names: Vec<&str> = next.containers.iter().map(|c| c.name.as_str()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "case {case}: duplicate names");
    }
}

#[test]
fn down_after_up_leaves_nothing_and_is_then_empty() {
    let mut rng = Lcg(1234);
    for case in 0..100 {
        let desired = random_project(&mut rng);
        let observed = converged(&desired);
        let options = DownOptions {
            remove_volumes: true,
            remove_orphans: true,
            ..Default::default()
        };
        let plan = plan_down(&desired, &observed, &options).unwrap();
        check_dag(&plan);
        let after = apply(&desired, &observed, &plan);
        assert!(after.containers.is_empty(), "case {case}");
        assert!(after.networks.is_empty(), "case {case}");
        assert!(after.volumes.is_empty(), "case {case}");
        assert!(plan_down(&desired, &after, &options).unwrap().is_empty());
    }
}
