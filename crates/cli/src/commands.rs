//! What each command does. Data commands act as the operator (`Actor::Operator`) through the
//! scoped store, so they are audited as `cli`.

use crate::config::Config;
use crate::{BenchCommand, Command, ConfigCommand, OrgCommand, UserCommand, bench, demo, org_file};
use anyhow::{Context, bail};
use kaohe_domain::{Actor, OrgKind, Role, SystemClock};
use kaohe_store::{NewOrg, NewUser, Store, StoreError, generate_password};
use std::sync::Arc;

/// Opens the database, applies migrations and installs the built-in pack's registries with the
/// master key from the data folder (or `KAOHE_MASTER_KEY`).
pub async fn open(cfg: &Config) -> anyhow::Result<Store> {
    let store = Store::open(&cfg.database_url, Arc::new(SystemClock), cfg.security())
        .await
        .with_context(|| format!("cannot open the database {}", kaohe_store::redact_url(&cfg.database_url)))?;
    let pack = kaohe_packs::trade_union().map_err(|errs| {
        anyhow::anyhow!(
            "the built-in pack is invalid:\n{}",
            errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
        )
    })?;
    let protector = kaohe_store::crypto::AesProtector::load(&cfg.data_dir).context("cannot load the master key")?;
    let reports = kaohe_packs::reports_with(&pack, &cfg.data_dir.join("reports")).map_err(|errs| {
        anyhow::anyhow!(
            "a report template in the data folder is invalid:\n{}",
            errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
        )
    })?;
    let store = store
        .install(pack.registries, Arc::new(protector))
        .await?
        .with_indicators(pack.indicators)
        .with_rulebooks(pack.rulebooks)
        .with_reports(reports)
        .with_calendar(crate::calendar_cmd::load(cfg)?)
        .with_files_dir(cfg.data_dir.join("files"))
        .with_snapshot_dir(cfg.data_dir.clone())
        .with_time_zone(cfg.time_zone()?);
    store.refresh_layer().await?;
    Ok(store)
}

/// Turns store errors into readable messages (import errors listed row by row).
fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Import(rows) => {
            let mut s = format!("导入未执行,共{}处错误 / nothing imported, {} error(s):", rows.len(), rows.len());
            for r in rows {
                s.push_str(&format!(
                    "\n  第{}行 {} {:?}: {} / {}",
                    r.row, r.column, r.value, r.message_zh, r.message_en
                ));
            }
            anyhow::anyhow!(s)
        }
        other => anyhow::anyhow!(other),
    }
}

pub async fn run(cfg: Config, cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Config(ConfigCommand::Show) => {
            print!("{}", cfg.show());
            Ok(())
        }
        Command::Migrate => {
            open(&cfg).await?;
            println!("数据库已是最新 / migrations applied");
            Ok(())
        }
        Command::Serve { demo: with_demo, demo_password, demo_orgs_only, .. } => {
            serve(&cfg, with_demo, demo_password.as_deref(), demo_orgs_only).await
        }
        Command::Demo { password, scale } => {
            let store = open(&cfg).await?;
            match scale {
                demo::Scale::City => demo::print_logins(&demo::load(&store, password.as_deref()).await?),
                demo::Scale::Province => demo::load_province(&store).await?,
            }
            Ok(())
        }
        Command::Init { org_code, org_name, username, opened } => {
            let opened_on = match opened.as_deref() {
                Some(s) => Some(
                    kaohe_domain::values::date::parse_date(s)
                        .map_err(|e| anyhow::anyhow!("--opened {s}: {} / {}", e.message_zh, e.message_en))?,
                ),
                None => None,
            };
            let store = open(&cfg).await?;
            if !store.is_empty().await? {
                bail!("已初始化 / already initialised: the database holds orgs");
            }
            let op = store.scoped(Actor::Operator);
            let org = op
                .create_org(NewOrg {
                    code: org_code,
                    name: org_name,
                    short_name: None,
                    kind: OrgKind::Federation,
                    parent_id: None,
                    sort_key: None,
                    opened_on,
                    groups: vec![],
                })
                .await
                .map_err(explain)?;
            let pw = generate_password();
            op.create_user(NewUser {
                username: username.clone(),
                display_name: "系统管理员".into(),
                org_id: org.id,
                role: Role::SystemAdmin,
                password: pw.clone(),
            })
            .await
            .map_err(explain)?;
            println!(
                "已创建 {} 与系统管理员 {username}\n初始密码(只显示一次)/ initial password (shown once): {pw}",
                org.name
            );
            Ok(())
        }
        Command::User(u) => user(&cfg, u).await,
        Command::Template { registry, output } => {
            crate::registry_cmds::template(&open(&cfg).await?, &registry, &output)
        }
        Command::Import { registry, file, org, dry_run, ignore_columns, header_row } => {
            let columns = kaohe_exchange::ColumnOptions { header_row, ignore: ignore_columns };
            crate::registry_cmds::import(&open(&cfg).await?, &registry, &file, org.as_deref(), dry_run, columns).await
        }
        Command::Export { registry, org, format, output, unmask } => {
            crate::registry_cmds::export(&open(&cfg).await?, &registry, org.as_deref(), &format, &output, unmask).await
        }
        Command::Pack(crate::PackCommand::Validate { dir }) => crate::pack_cmd::validate(&dir),
        Command::Pack(crate::PackCommand::Export { dir }) => crate::pack_cmd::export(&open(&cfg).await?, &dir),
        Command::Pack(crate::PackCommand::Import { dir }) => crate::pack_cmd::import(&open(&cfg).await?, &dir).await,
        Command::Org(o) => org(&cfg, o).await,
        Command::Calendar(c) => crate::calendar_cmd::run(&cfg, c),
        Command::Backup { output } => crate::backup_cmd::backup(&open(&cfg).await?, &cfg, &output).await,
        Command::Restore { file, replace, check } => {
            crate::backup_cmd::restore(&open(&cfg).await?, &cfg, &file, replace, check).await
        }
        Command::Audit(crate::AuditCommand::Purge) => {
            if cfg.audit.retention_days == 0 {
                bail!(
                    "未设置审计记录保存期限(audit.retention_days,至少183天),不清理 / audit.retention_days is not set (0 keeps every row; at least 183 to purge)"
                );
            }
            let gone = open(&cfg).await?.purge_audit(cfg.audit.retention_days).await?;
            let days = cfg.audit.retention_days;
            println!("已清理{days}天前的审计记录{gone}条 / {gone} audit rows older than {days} days purged");
            Ok(())
        }
        Command::Audit(crate::AuditCommand::Verify) => {
            let check = open(&cfg).await?.verify_audit().await?;
            if check.problems.is_empty() {
                println!(
                    "审计日志完整:{} 条记录,哈希链无断点 / the audit log is intact: {} rows, the hash chain unbroken",
                    check.rows, check.rows
                );
                Ok(())
            } else {
                for p in &check.problems {
                    eprintln!("{p}");
                }
                bail!(
                    "审计日志被篡改:{}处断点 / the audit log was tampered with: {} break(s)",
                    check.problems.len(),
                    check.problems.len()
                )
            }
        }
        Command::Report { year, org, format, output, template, link_base, date } => {
            let store = open(&cfg).await?;
            let (o, d) = (org.as_deref(), date.as_deref());
            crate::report_cmd::run(&store, year, o, &template, &format, &output, &link_base, d).await
        }
        Command::Assess { year, org, publish, format } => {
            let store = open(&cfg).await?;
            crate::assess_cmd::run(&store, year, org.as_deref(), publish, format).await
        }
        Command::Eval { expr, org, period, children, format } => {
            let store = open(&cfg).await?;
            crate::eval_cmd::eval(&store, &expr, &org, &period, children, format).await.map_err(|e| {
                match e.downcast::<StoreError>() {
                    Ok(e) => explain(e),
                    Err(e) => e,
                }
            })
        }
        Command::Bench(BenchCommand::Indicators { year, reps }) => {
            let store = open(&cfg).await?;
            crate::bench_engine::indicators(&store, year, reps).await
        }
        Command::Bench(BenchCommand::List { registry, pages }) => {
            let store = open(&cfg).await?;
            crate::bench_list::list(&store, &registry, pages).await
        }
        Command::Bench(b) => {
            // A fresh SQLite file unless a database URL was given.
            let url = if cfg.database_url.contains("kaohe-data/kaohe.db") {
                let p = std::env::temp_dir().join(format!("kaohe-bench-{}.db", std::process::id()));
                format!("sqlite://{}?mode=rwc", p.display())
            } else {
                cfg.database_url.clone()
            };
            match b {
                BenchCommand::Orgs { count, reps } => bench::orgs(&url, count, reps).await,
                BenchCommand::Indicators { .. } | BenchCommand::List { .. } => unreachable!("handled above"),
                BenchCommand::Uploads { case: None } => crate::bench_uploads::uploads_all(),
                BenchCommand::Uploads { case: Some(n) } => {
                    crate::bench_uploads::uploads(&url, &std::env::temp_dir().join("kaohe-bench-keys"), n).await
                }
                BenchCommand::Import { rows, format } => {
                    bench::import(&url, rows, &format, &std::env::temp_dir().join("kaohe-bench-keys")).await
                }
            }
        }
    }
}

async fn serve(cfg: &Config, with_demo: bool, demo_password: Option<&str>, orgs_only: bool) -> anyhow::Result<()> {
    let store = open(cfg).await?;
    if with_demo && store.is_empty().await? {
        let logins = if orgs_only {
            kaohe_demo::load_orgs(&store, demo_password).await?
        } else {
            demo::load(&store, demo_password).await?
        };
        demo::print_logins(&logins);
    }
    let sessions = kaohe_store::DbSessionStore::new(store.clone(), cfg.session.idle_minutes);
    let (purger, retention_days) = (store.clone(), cfg.audit.retention_days);
    tokio::spawn(async move {
        for round in 0u64.. {
            if retention_days > 0 && round % 144 == 0 {
                // Once a day (and at start): audit rows past their retention.
                match purger.purge_audit(retention_days).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(rows = n, retention_days, "purged audit rows past their retention"),
                    Err(e) => tracing::warn!(error = %e, "could not purge old audit rows"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            if let Err(e) = sessions.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });
    let app = kaohe_web::app(store, cfg.web());
    let listener =
        tokio::net::TcpListener::bind(&cfg.bind).await.with_context(|| format!("cannot listen on {}", cfg.bind))?;
    println!("kaohe 已启动 / listening on http://{}", listener.local_addr()?);
    // The peer's address reaches handlers (sign-in attempts are limited per address).
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await?;
    Ok(())
}

async fn user(cfg: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let store = open(cfg).await?;
    let op = store.scoped(Actor::Operator);
    let find = |name: String| {
        let op = &op;
        async move {
            op.users()
                .await?
                .into_iter()
                .find(|u| u.username == name)
                .with_context(|| format!("没有用户 / no user {name:?}"))
        }
    };
    match cmd {
        UserCommand::Add { username, org, role, name } => {
            let role = Role::parse(&role).with_context(|| {
                let names: Vec<String> = Role::ALL.iter().map(|r| format!("{}({})", r.label_zh(), r.code())).collect();
                format!("未知角色 / unknown role {role:?};可用 / one of: {}", names.join("、"))
            })?;
            let org = op.org_by_code(&org).await.map_err(|_| anyhow::anyhow!("没有组织 / no org {org:?}"))?;
            let pw = generate_password();
            let display_name = name.unwrap_or_else(|| username.clone());
            op.create_user(NewUser {
                username: username.clone(),
                display_name,
                org_id: org.id,
                role,
                password: pw.clone(),
            })
            .await
            .map_err(explain)?;
            println!(
                "已创建用户 {username}({})\n初始密码(只显示一次)/ initial password (shown once): {pw}",
                role.label_zh()
            );
        }
        UserCommand::Passwd { username } => {
            let u = find(username).await?;
            let pw = generate_password();
            op.reset_password(u.id, &pw).await.map_err(explain)?;
            println!("新密码(只显示一次)/ new password (shown once): {pw}");
        }
        UserCommand::List => {
            for u in op.users().await? {
                let org = op.org(u.org_id).await.map(|o| o.code.as_str().to_owned()).unwrap_or_default();
                println!("{:<16} {:<12} {:<14} {}", u.username, u.role.label_zh(), org, u.display_name);
            }
        }
        UserCommand::Token { username, label } => {
            let u = find(username).await?;
            println!("{}", op.issue_token(u.id, &label).await.map_err(explain)?);
        }
        UserCommand::Unlock { username } => {
            let u = find(username).await?;
            op.unlock(u.id).await.map_err(explain)?;
            println!("已解除锁定 / unlocked {}", u.username);
        }
        UserCommand::ResetSecondFactor { username } => {
            let u = find(username).await?;
            op.reset_second_factor(u.id).await.map_err(explain)?;
            println!("已重置动态口令 / second factor cleared for {}", u.username);
        }
    }
    Ok(())
}

async fn org(cfg: &Config, cmd: OrgCommand) -> anyhow::Result<()> {
    let store = open(cfg).await?;
    let op = store.scoped(Actor::Operator);
    match cmd {
        OrgCommand::Import { file, dry_run } => {
            let rows = org_file::read(&file)?;
            let report = op.import_orgs(&rows, dry_run).await.map_err(explain)?;
            let what =
                if dry_run { "检查通过,未写入 / checked, nothing written" } else { "已导入 / imported" };
            println!(
                "{what}: 新建 {} 个,更新 {} 个 / {} created, {} updated",
                report.created, report.updated, report.created, report.updated
            );
        }
        OrgCommand::List { under, closed } => {
            let under = match under {
                Some(code) => {
                    Some(op.org_by_code(&code).await.map_err(|_| anyhow::anyhow!("没有组织 / no org {code:?}"))?.id)
                }
                None => None,
            };
            let orgs = op.org_subtree(under, closed).await?;
            let base = orgs.first().map(|o| o.path.depth()).unwrap_or(0);
            for o in orgs {
                let closed = o.closed_on.map(|d| format!(" (撤销 {d})")).unwrap_or_default();
                println!(
                    "{}{} {} [{}]{closed}",
                    "  ".repeat(o.path.depth() - base),
                    o.code.as_str(),
                    o.name,
                    o.kind.label_zh()
                );
            }
        }
    }
    Ok(())
}
