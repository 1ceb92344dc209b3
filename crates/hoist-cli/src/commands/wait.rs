//! `hoist wait SERVICE…`: blocks until the containers of the services stop, prints each exit
//! as `container "ID" exited with status code N` and exits with the last one's code, as
//! `docker compose wait` does; `--down-project` then removes the project's containers and
//! networks (volumes are kept).

use crate::cli::{GlobalOptions, WaitArgs};
use crate::commands::ps::{list_project_containers, PsQuery};
use crate::target::{connect, engine_failure, project_or_name, runtime};
use crate::Failure;
use hoist_engine::{labels, WaitCondition};

/// Runs `hoist wait`.
pub fn run(global: &GlobalOptions, args: &WaitArgs) -> Result<(), Failure> {
    let (_, name) = project_or_name(global, &[])?;
    let rt = runtime()?;
    let code = rt.block_on(async {
        let engine = connect().await?;
        let containers = list_project_containers(
            &engine,
            &PsQuery {
                project: name.clone(),
                services: args.services.clone(),
                all: true,
            },
        )
        .await?;
        let containers: Vec<_> = containers
            .into_iter()
            .filter(|c| c.state.as_ref().map(|s| s.to_string()).as_deref() == Some("running"))
            .collect();
        if containers.is_empty() {
            return Err(Failure::new(format!("no containers for project {name:?}")));
        }
        let mut tasks = tokio::task::JoinSet::new();
        for c in containers {
            let engine = engine.clone();
            tasks.spawn(async move {
                let id = c.id.clone().unwrap_or_default();
                let code = engine
                    .wait_container(&id, WaitCondition::NotRunning)
                    .await
                    .map_err(engine_failure)?;
                println!("container {id:?} exited with status code {code}");
                Ok::<i64, Failure>(code)
            });
        }
        let mut last = 0;
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(code)) => last = code,
                Ok(Err(e)) => return Err(Failure { code: 42, ..e }),
                Err(e) => return Err(Failure::new(format!("internal error: {e}"))),
            }
        }
        if args.down_project {
            let filter = labels::filter(labels::PROJECT, &name.to_lowercase());
            let all = engine
                .list_containers_by_labels(std::slice::from_ref(&filter))
                .await
                .map_err(engine_failure)?;
            for c in all {
                if let Some(id) = c.id {
                    engine
                        .remove_container(&id, true, false)
                        .await
                        .map_err(engine_failure)?;
                }
            }
            let state = engine
                .project_state(&name.to_lowercase())
                .await
                .map_err(engine_failure)?;
            for n in state.networks {
                engine.remove_network(&n.id).await.map_err(engine_failure)?;
            }
        }
        Ok(last)
    })?;
    if code == 0 {
        Ok(())
    } else {
        Err(Failure {
            message: String::new(),
            code: u8::try_from(code.rem_euclid(256)).unwrap_or(1),
        })
    }
}
