//! `kaohe`: the one binary — web server, administration and data commands.
#![forbid(unsafe_code)]

mod assess_cmd;
mod backup_cmd;
mod bench;
mod bench_engine;
mod bench_list;
mod bench_uploads;
mod calendar_cmd;
mod commands;
mod config;
mod demo;
mod eval_cmd;
mod org_file;
mod pack_cmd;
mod registry_cmds;
mod report_cmd;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: a page of 1,000 records allocates and frees tens of
/// thousands of small strings, and under load glibc spent about a third of the server's CPU in
/// malloc, free and `malloc_consolidate` (`perf`, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use config::{Config, Overrides};
use std::path::PathBuf;

/// kaohe 考核 — target management and assessment for trade-union federations.
#[derive(Parser, Debug)]
#[command(name = "kaohe", version, about)]
pub struct Cli {
    /// Configuration file (default: ./kaohe.toml if present).
    #[arg(long, global = true, env = "KAOHE_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://… (default: SQLite in the data folder).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Data folder (SQLite file, key files, uploads). Default ./kaohe-data.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Worker threads of the async runtime (default: one per core). Several `kaohe serve`
    /// processes on one machine may each take fewer.
    #[arg(long, global = true, env = "KAOHE_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web UI and the REST API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo city first if the database is empty.
        #[arg(long)]
        demo: bool,
        /// With --demo: give every demo user this password instead of generated ones.
        #[arg(long, env = "KAOHE_DEMO_PASSWORD", hide_env_values = true)]
        demo_password: Option<String>,
        /// With --demo: load only the demo's orgs and users, not its records (seconds; for tests).
        #[arg(long, env = "KAOHE_DEMO_ORGS_ONLY")]
        demo_orgs_only: bool,
    },
    /// Create the first org and its 系统管理员 (prints the generated password once).
    Init {
        /// Code of the top org (e.g. HY).
        #[arg(long)]
        org_code: String,
        /// Name of the top org (e.g. 衡阳市总工会).
        #[arg(long)]
        org_name: String,
        /// User name of the first system administrator.
        #[arg(long, default_value = "admin")]
        username: String,
        /// When the top org was founded (default: today); earlier years are assessed only for orgs
        /// open in them.
        #[arg(long)]
        opened: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the org tree.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Show configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Load the demo city into an empty database and print the demo logins.
    Demo {
        /// Give every demo user this password instead of generated ones.
        #[arg(long, env = "KAOHE_DEMO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// `city`: the demo city (reproduces the seed report); `province`: a province-sized data
        /// set for benchmarks (~10,000,000 members; no users).
        #[arg(long, value_enum, default_value = "city")]
        scale: demo::Scale,
    },
    /// Benchmarks that print figures.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write a registry's import template (XLSX with Chinese headers, drop-downs, instructions).
    Template {
        #[arg(long)]
        registry: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Import a registry from XLSX, XLS or CSV: every row is checked; any error writes nothing.
    Import {
        #[arg(long)]
        registry: String,
        #[arg(long)]
        file: PathBuf,
        /// Org owning rows that name none (code).
        #[arg(long)]
        org: Option<String>,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leave out a column kaohe does not know, by its header (repeatable); any other unknown
        /// column is an error.
        #[arg(long = "ignore-column", value_name = "HEADER")]
        ignore_columns: Vec<String>,
        /// The header's row number (default: found among the first 10 rows, below title rows).
        #[arg(long, value_name = "N")]
        header_row: Option<usize>,
    },
    /// Export a registry (personal data masked unless --unmask).
    Export {
        #[arg(long)]
        registry: String,
        /// Only this org's subtree (code).
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_parser = ["xlsx", "csv"], default_value = "xlsx")]
        format: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Write personal data in clear (audited).
        #[arg(long)]
        unmask: bool,
    },
    /// Packs: check a pack folder; export or import the federation's own layer.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Evaluate an indicator (by key) or a formula for an org's scope and a period.
    Eval {
        /// An indicator key (e.g. new_members) or a formula (e.g. 'count(members where joined_on in period)').
        expr: String,
        /// The org's code; the figure covers it and everything below it.
        #[arg(long)]
        org: String,
        /// 2009, 2009Q3, 2009-07 or 2009-01-01..2009-06-30.
        #[arg(long)]
        period: String,
        /// One row per child org, plus 本级 (own records) and 合计 (the whole scope).
        #[arg(long)]
        children: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: eval_cmd::Format,
    },
    /// Score the orgs an org assesses (its departments and lower federations) by the year's
    /// rulebook; `--publish` freezes the result as the next version and shows what changed.
    Assess {
        #[arg(long)]
        year: i32,
        /// The assessing org's code (default: the top org).
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        publish: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: assess_cmd::Format,
    },
    /// Working days on the Chinese calendar (holidays and adjusted working weekends).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Back up the whole database and its uploaded files to one file (consistent while the
    /// server runs; personal data stays encrypted; restore needs the same master key).
    Backup {
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Restore a backup into the configured database (SQLite or PostgreSQL, whichever the backup
    /// came from). The whole file is checked first; a damaged one changes nothing. Stop the
    /// servers first.
    Restore {
        file: PathBuf,
        /// Overwrite a database that already holds data.
        #[arg(long)]
        replace: bool,
        /// Only check the file; change nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write an org's year-end report from the pack's template (a federation's own in the data
    /// folder's `reports/` replaces it): DOCX in official-document layout, HTML whose figures
    /// link to their records, Markdown, or the XLSX of its statistical tables.
    Report {
        #[arg(long)]
        year: i32,
        /// The org's code (default: the top org).
        #[arg(long)]
        org: Option<String>,
        /// docx, html, md or xlsx.
        #[arg(long, default_value = "docx")]
        format: String,
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// The template's key (`reports/<key>.md.j2`).
        #[arg(long, default_value = "annual")]
        template: String,
        /// Where the HTML's links lead (the server's address, e.g. http://127.0.0.1:8080).
        #[arg(long, default_value = "")]
        link_base: String,
        /// The date the report bears (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain; exit 1, listing each break, when a row was edited
    /// or deleted.
    Verify,
    /// Delete audit rows older than the retention period (`audit.retention_days`: 0, the
    /// default, keeps every row; else at least six months); the chain stays verifiable and the
    /// purge is itself logged. `kaohe serve` does this daily when a period is set.
    Purge,
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// Print the date N working days after DATE (before it when N is negative).
    Add {
        date: String,
        #[arg(allow_negative_numbers = true)]
        days: i64,
    },
    /// Print the number of working days after FROM up to and including TO.
    Count { from: String, to: String },
    /// List the years whose holiday notices are known, with their holidays.
    Years,
}

#[derive(Subcommand, Debug)]
pub enum PackCommand {
    /// Check every file of a pack folder (or of a federation's layer folder, without
    /// `pack.toml`); errors are printed as file:line:column with a caret.
    Validate { dir: PathBuf },
    /// Write the federation's own rulebooks, indicators, report templates and holiday notices in
    /// force into a folder.
    Export { dir: PathBuf },
    /// Publish every file of a folder (as `kaohe pack export` writes) as the federation's own:
    /// checked together, all or nothing.
    Import { dir: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user (prints the generated password once).
    Add {
        username: String,
        /// Code of the user's org (their scope).
        #[arg(long)]
        org: String,
        /// system_admin, security_admin, audit_admin, assessor, reviewer, editor or viewer.
        #[arg(long)]
        role: String,
        /// Display name (default: the user name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a new generated password for a user (printed once).
    Passwd { username: String },
    /// List users.
    List,
    /// Issue a personal API token for a user (printed once; send as `Authorization: Bearer`).
    Token {
        username: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// Lift a user's lockout.
    Unlock { username: String },
    /// Clear a user's second factor (a lost phone; the 安全管理员 does it on the user's page, this
    /// is for when he is the one who lost it).
    ResetSecondFactor { username: String },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Import orgs from CSV or XLSX (columns code, name, parent_code, kind); all or nothing.
    Import {
        file: PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List the org tree (or the subtree under CODE).
    List {
        #[arg(long)]
        under: Option<String>,
        /// Include closed orgs.
        #[arg(long)]
        closed: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the effective configuration, secrets hidden.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Time subtree listings in a generated org tree (needs an empty database).
    Orgs {
        /// How many orgs to generate.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// Repetitions per probe.
        #[arg(long, default_value_t = 20)]
        reps: usize,
    },
    /// Time the indicator engine on the loaded database (the demo city, or the province from
    /// `kaohe demo --scale province`): snapshot load, queries b and c, every pack indicator for
    /// every org, one indicator for one org, memory.
    Indicators {
        #[arg(long, default_value_t = 2009)]
        year: i32,
        /// Repetitions per measure.
        #[arg(long, default_value_t = 20)]
        reps: usize,
    },
    /// Page deep into a registry of the loaded database (keyset paging; the province's
    /// 10,000,000 members) and print the time per page.
    List {
        #[arg(long, default_value = "members")]
        registry: String,
        /// Pages to walk in each way.
        #[arg(long, default_value_t = 200)]
        pages: usize,
    },
    /// Import N generated member rows into an empty database and print rows per second.
    /// Send the hostile upload corpus (zip bomb, XXE, 1,048,576 rows, 16,384 columns, wrong
    /// extension, binary, formula injection, 100 MB) through the import path; print outcome,
    /// time and peak memory of each.
    Uploads {
        /// Run only this file of the corpus (each runs in a process of its own).
        #[arg(long, hide = true)]
        case: Option<usize>,
    },
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, value_parser = ["csv", "xlsx"], default_value = "csv")]
        format: String,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KAOHE_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let overrides = Overrides { database_url: cli.database_url.clone(), data_dir: cli.data_dir.clone(), bind };
    let result = Config::load(cli.config.as_deref(), &overrides).and_then(|cfg| {
        let mut runtime = tokio::runtime::Builder::new_multi_thread();
        if let Some(n) = cli.workers {
            runtime.worker_threads(usize::from(n));
        }
        runtime.enable_all().build()?.block_on(commands::run(cfg, cli.command))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
