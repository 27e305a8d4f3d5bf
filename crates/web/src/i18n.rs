//! UI text in Chinese (default) and English. Templates call `t.s("key")`; a missing key shows
//! itself, and a test checks every key used in the templates exists in both languages.

use serde::{Deserialize, Serialize};

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `en` → English, anything else → Chinese.
    pub fn from_code(code: &str) -> Self {
        if code == "en" { Lang::En } else { Lang::Zh }
    }

    /// The code stored in preferences.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of pages.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The text for `key`.
    pub fn s(&self, key: &str) -> &'static str {
        match TEXTS.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
            Ok(i) => match self {
                Lang::Zh => TEXTS[i].1,
                Lang::En => TEXTS[i].2,
            },
            Err(_) => "??",
        }
    }

    /// Chooses between a Chinese and an English label.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// (key, 中文, English), sorted by key (a test checks the order).
pub(crate) const TEXTS: &[(&str, &str, &str)] = &[
    ("account", "我的账户", "My account"),
    ("account_disabled", "已停用", "Disabled"),
    ("account_enabled", "正常", "Active"),
    ("account_must_change", "下次登录须修改密码", "Must change the password at next sign-in"),
    ("account_removed", "已删除", "Removed"),
    ("account_state", "账户状态", "Account"),
    ("actions", "操作", "Actions"),
    ("actor", "操作人", "Actor"),
    ("actual", "完成数", "Actual"),
    ("add_child", "新建下级组织", "Add a child org"),
    ("add_user", "新建用户", "Add a user"),
    ("additive", "可汇总", "Adds up"),
    (
        "additive_no",
        "不可直接相加(比率、平均等须按汇总后重算)",
        "does not add up (ratios and averages are recomputed over the scope)",
    ),
    ("additive_yes", "下级数值相加等于上级", "children add up to the parent"),
    ("adjustment_items", "加减分项", "Bonus and deduction items"),
    ("adjustments", "加分和扣分", "Bonus and deductions"),
    ("all_tasks", "全部事项", "All tasks"),
    ("api_docs", "API 文档", "API docs"),
    ("applies_to", "适用单位", "Applies to"),
    ("apply", "查询", "Apply"),
    ("approve", "审核通过", "Approve"),
    ("arithmetic", "计算过程", "Arithmetic"),
    ("assessment", "考核", "Assessment"),
    ("assigned_per_org", "按单位下达", "set per org"),
    ("at", "时间", "When"),
    ("at_most", "最多", "at most"),
    ("audit", "审计日志", "Audit log"),
    ("back_home", "返回首页", "Home"),
    ("bonus", "加分", "Bonus"),
    ("built_in_rulebook", "内置范本", "built-in model"),
    ("by_last_year", "按上年完成数比例", "by last year's figures"),
    ("by_org", "分单位对比", "by org"),
    (
        "calendar_missing",
        "年的国务院节假日安排尚未录入:期限暂按周一至周五计算,节假日和调休前后的期限可能不准。请联系系统管理员录入。",
        " — the State Council's holiday notice for this year is not yet entered: deadlines count Monday to Friday for now and may be wrong around holidays. Ask your system administrator to enter it.",
    ),
    ("cascade", "分解下达", "Cascade"),
    ("change_password", "修改密码", "Change password"),
    ("changes_since", "与上一版相比的变化", "Changes since the previous version"),
    ("check_and_evaluate", "校验并计算", "Check and evaluate"),
    ("children", "下级组织", "Child orgs"),
    ("children_table", "下级单位", "Subordinate orgs"),
    ("clause", "依据条款", "Clause"),
    ("clean", "未发生", "clean"),
    ("client_address", "来源地址", "Client address"),
    ("close_on", "撤销日期", "Close on"),
    ("close_org", "撤销组织", "Close org"),
    ("closed", "已撤销", "Closed"),
    ("code", "代码", "Code"),
    (
        "code_failed",
        "动态口令不正确或已过期,请输入手机上显示的最新6位数字",
        "The code is wrong or expired: enter the 6 digits your phone shows now",
    ),
    ("columns", "显示列", "Columns"),
    (
        "confirm_publish_rulebook",
        "确定发布?发布后本年度考核按此办法计分。",
        "Publish? This year's scores will follow it.",
    ),
    ("conveyed_on", "传达日期", "Conveyed"),
    ("count_of", "计数", "count"),
    ("current_password", "当前密码", "Current password"),
    ("dashboard", "数据看板", "Dashboard"),
    ("days_left", "剩余工作日", "Working days left"),
    ("days_used", "用时/时限(工作日)", "Used / allowed (working days)"),
    ("deadline", "截止日期", "Deadline"),
    ("decimals", "小数位数", "Decimals"),
    ("decimals_invalid", "小数位数须为0到6的整数", "Decimals must be a whole number from 0 to 6"),
    ("deduction", "扣分", "Deductions"),
    ("default_target", "默认目标", "Default"),
    ("delete", "删除", "Delete"),
    ("denominator", "分母", "Denominator"),
    ("description", "说明", "Description"),
    ("digest", "摘要(前/后)", "Digest (before/after)"),
    ("disable_account", "停用账户", "Disable the account"),
    ("display_name", "姓名", "Name"),
    ("draft_saved", "草稿已保存", "Draft saved"),
    ("drill_down", "查看明细记录", "Records behind the figure"),
    (
        "drill_note",
        "以下为计入该数值的全部记录(比率分列分子、分母,增长率分列本期、上期);仅显示您权限范围内的记录,个人信息已脱敏。",
        "These are exactly the records the figure counts (a ratio's numerator and denominator, growth's this and previous period), within your scope, personal data masked.",
    ),
    ("dry_run", "只检查,不写入", "Check only, write nothing"),
    ("due_on", "传达时限", "Due"),
    ("edit", "修改", "Edit"),
    ("edit_rulebook", "修改考核办法", "Edit the rulebook"),
    (
        "edit_rulebook_hint",
        "边改边检查:错误标出行、列和位置。草稿随时保存,试算用现有数据打分,发布后各单位按新办法考核,旧版本留档。",
        "Checked as you type: mistakes show their line and column. Save the draft any time; a trial scores the current data; publishing puts it in force and keeps earlier versions.",
    ),
    ("enable_account", "启用账户", "Enable the account"),
    ("entity", "对象", "Object"),
    ("escalation", "需督促事项", "Escalation"),
    ("evenly", "平均分配", "evenly"),
    ("event", "事件", "Event"),
    ("evidence", "佐证材料", "Evidence"),
    ("evidence_hint", "PDF、JPG、PNG、DOCX、XLSX、DOC,不超过20MB", "PDF, JPG, PNG, DOCX, XLSX or DOC, up to 20 MB"),
    ("export", "导出", "Export"),
    ("file", "文件", "File"),
    ("filter_and_columns", "筛选与显示列", "Filters and columns"),
    ("first_page", "首页", "First page"),
    ("formula", "公式", "Formula"),
    ("formula_checks", "公式正确", "The formula checks"),
    ("formula_editor", "公式编辑器", "Formula editor"),
    ("formula_has_error", "公式有误", "The formula has a mistake"),
    ("generate", "生成", "Generate"),
    ("grade", "等次", "Grade"),
    ("green_from", "绿色自", "Green from"),
    ("has_draft", "有草稿", "draft"),
    ("history", "修改历史", "History"),
    ("home", "首页", "Home"),
    ("import", "导入", "Import"),
    (
        "import_hint",
        "支持 XLSX、XLS、CSV(UTF-8 或 GBK);任何一行有错都不会写入,并列出每个错误。",
        "XLSX, XLS or CSV (UTF-8 or GBK); any error writes nothing and every error is listed.",
    ),
    ("inbox", "待审核", "Inbox"),
    ("inbox_empty", "没有待审核的填报。", "Nothing waits for review."),
    ("indicator", "指标", "Indicator"),
    ("indicator_key", "指标代码", "Indicator key"),
    ("indicator_name", "指标名称", "Indicator name"),
    ("indicator_not_saved", "指标未保存:", "The indicator was not saved:"),
    ("indicators", "指标", "Indicators"),
    ("issue_token", "签发API令牌", "Issue API token"),
    ("item", "考核项", "Item"),
    ("item_points", "目标项得分", "Item points"),
    ("kind", "类型", "Kind"),
    ("language", "界面语言", "Language"),
    ("language_help", "公式语法", "Formula language"),
    ("late", "逾期", "late"),
    ("late_submissions", "逾期报送次数", "late submissions"),
    ("live_result", "按当前数据计算", "computed from current data"),
    ("locked_until", "锁定至", "Locked until"),
    ("login", "登录", "Sign in"),
    ("login_again", "重新输入用户名和密码", "Start again with user name and password"),
    ("login_failed", "用户名或密码错误,或账户已锁定", "Wrong user name or password, or the account is locked"),
    (
        "login_throttled",
        "该地址登录失败次数过多,请稍后再试。需等待约",
        "Too many failed sign-ins from your address. Try again in about",
    ),
    ("logout", "退出", "Sign out"),
    ("mask", "隐藏个人信息", "Mask personal data"),
    ("minutes", "分钟", "minutes"),
    ("model_rulebook", "内置范本", "the built-in model"),
    ("move_org", "移动到新上级", "Move under a new parent"),
    ("move_to", "新上级代码", "New parent code"),
    (
        "must_change_password",
        "您的密码是管理员设置的(新账户或重置),或已过期:请先设置只有您自己知道的新密码,然后才能使用其他功能。",
        "Your password was set by an administrator (a new account or a reset) or has expired: choose one only you know before anything else.",
    ),
    (
        "must_set_up_second_factor",
        "管理员账户须使用动态口令登录:请先在下方设置动态口令,然后才能使用其他功能。",
        "Administrator accounts sign in with a one-time code: set one up below before anything else.",
    ),
    ("my_tokens", "我的API令牌", "My API tokens"),
    ("name", "名称", "Name"),
    ("narrative", "工作总结", "Narrative"),
    ("new_password", "新密码", "New password"),
    ("new_record", "新增记录", "New record"),
    ("next_page", "下一页", "Next page"),
    ("no_award", "不予评先", "no award"),
    ("no_evidence", "尚未上传佐证材料。", "No evidence yet."),
    ("no_indicators", "模板包未定义指标。", "The pack defines no indicators."),
    ("no_rows", "暂无记录", "Nothing here yet"),
    (
        "no_rulebook_yet",
        "还没有考核办法:请从内置范本开始制定第一年的考核办法。",
        "No rulebook yet: start the first year from the built-in model.",
    ),
    ("no_tokens", "尚未签发API令牌", "No API tokens issued"),
    ("not_a_number", "不是数字", "not a number"),
    ("not_in_force_yet", "尚未发布", "not published yet"),
    ("not_locked", "未锁定", "Not locked"),
    ("not_started", "未填报", "not started"),
    ("nothing_asked", "本年度没有要求本单位填报的事项。", "Nothing to submit this year."),
    ("numerator", "分子", "Numerator"),
    ("older", "更早", "Older"),
    ("on_time_rate", "按时传达率", "On-time rate"),
    ("one_time_code", "动态口令(6位数字)", "One-time code (6 digits)"),
    (
        "one_time_code_hint",
        "打开手机上的身份验证器应用,输入“考核”一项当前显示的6位数字",
        "Open the authenticator app on your phone and enter the 6 digits it shows for kaohe",
    ),
    ("opened_on", "成立日期", "Opened on"),
    ("org", "所属组织", "Org"),
    ("org_code", "组织代码", "Org code"),
    ("org_tree", "组织树", "Org tree"),
    ("orgs_in_scope", "范围内组织数", "Orgs in scope"),
    ("own_level", "本级", "own records"),
    ("own_rulebook", "本会制定", "our own"),
    ("parent", "上级", "Parent"),
    ("parent_changed", "上级组织已变更", "moved under another parent"),
    ("password", "密码", "Password"),
    (
        "password_hint",
        "至少10位,含大写、小写、数字、符号中的3类",
        "At least 10 characters from 3 of: upper, lower, digits, symbols",
    ),
    ("period", "期间", "Period"),
    (
        "period_help",
        "可填 2009、2009Q3、2009-07 或 2009-01-01..2009-06-30",
        "2009, 2009Q3, 2009-07 or 2009-01-01..2009-06-30",
    ),
    ("points", "得分", "Points"),
    ("prev_page", "上一页", "Previous page"),
    ("previous_period", "上期", "Previous period"),
    ("publish", "发布考核结果", "Publish"),
    (
        "publish_hint",
        "发布后生成不可更改的版本;再次发布生成新版本并显示变化。",
        "Publishing freezes a version; publishing again makes a new one and shows what changed.",
    ),
    ("publish_rulebook", "发布考核办法", "Publish the rulebook"),
    ("published_at", "发布时间", "Published at"),
    ("published_by", "发布人", "Published by"),
    ("published_version", "已发布版本", "published version"),
    ("published_versions", "已发布版本", "Published versions"),
    ("rank", "名次", "Rank"),
    ("reads", "取数台账", "Reads"),
    ("reason", "审核意见(退回时必填)", "Comment (required to return)"),
    ("received_on", "收到日期", "Received"),
    ("record_no", "记录号", "Record"),
    ("registries", "台账", "Registries"),
    ("registries_and_fields", "台账与字段", "Registries and fields"),
    ("remove_account", "删除账户", "Remove account"),
    (
        "remove_account_note",
        "账户停用并从列表中移除,审计记录保留,用户名不再分配给他人",
        "The account is switched off and leaves the list; its audit trail stays and its name is never reused",
    ),
    ("renamed_from", "原名", "formerly"),
    ("report", "年度报告", "Year-end report"),
    (
        "report_hint",
        "由模板包的汇报材料模板从台账数据生成:DOCX(公文格式)、HTML(数字可点击查看明细)、Markdown,以及统计表 XLSX。数字无法计算时报告不生成,并指出模板的行号。",
        "Written from the registries by the pack's report template: DOCX (official-document layout), HTML (each figure links to its records), Markdown, and the statistical tables as XLSX. A figure that cannot be computed stops the report, naming the template's line.",
    ),
    ("report_preview", "在新窗口预览 HTML", "Preview the HTML in a new window"),
    ("report_template", "报告模板", "Template"),
    ("request", "填报事项", "Request"),
    ("reset", "重置", "Reset"),
    ("reset_password", "重置密码", "Reset password"),
    ("return_it", "退回修改", "Return"),
    ("returned_because", "退回理由:", "Returned:"),
    ("review", "审核", "Review"),
    ("role", "角色", "Role"),
    (
        "role_granted_later",
        "新建账户暂无角色(待授权),由安全管理员授予角色后方可使用",
        "A new account has no role until the security administrator grants one",
    ),
    ("rulebook", "考核办法", "Rulebook"),
    ("rulebook_checks", "检查通过,可以发布", "No mistakes: ready to publish"),
    ("rulebook_problems", "考核办法有错误,不能发布:", "The rulebook has mistakes and cannot be published:"),
    ("rulebook_published", "已发布考核办法", "Rulebook published:"),
    ("rulebook_text", "考核办法全文", "Rulebook text"),
    ("rulebooks", "考核办法", "Rulebooks"),
    ("save", "保存", "Save"),
    ("save_as_own_indicator", "保存为本会指标", "Save as our own indicator"),
    ("save_draft", "保存草稿", "Save draft"),
    ("save_indicator", "保存指标", "Save the indicator"),
    (
        "save_indicator_hint",
        "保存前与全部指标和考核办法一起检查;引用它的指标或考核办法会因修改而出错时,不予保存并指出位置。",
        "Checked with every indicator and rulebook before it is saved; a change that would break one using it is refused, with the place.",
    ),
    ("save_own_indicator_again", "修改本会指标(保存为新版本)", "Change our indicator (a new version)"),
    ("scope", "数据范围", "Scope"),
    ("scoring_rule", "计分规则", "Scoring rule"),
    ("search", "搜索名称、代码或拼音首字母", "Search name, code or pinyin initials"),
    ("second_factor", "动态口令(双因素登录)", "Second factor (one-time codes)"),
    ("second_factor_confirm", "确认启用", "Turn on"),
    (
        "second_factor_in_use",
        "登录时除密码外还须输入手机上的6位动态口令。",
        "Signing in asks for the 6-digit code from your phone as well as the password.",
    ),
    ("second_factor_key", "无法扫码时,在应用中手动输入密钥:", "If you cannot scan, type this key into the app:"),
    ("second_factor_off", "未启用", "Off"),
    ("second_factor_on", "已启用", "On"),
    ("second_factor_reset", "重置动态口令(手机丢失时)", "Reset the second factor (lost phone)"),
    (
        "second_factor_scan",
        "用手机上的身份验证器应用(如 Microsoft Authenticator、Google Authenticator、FreeOTP 等支持 TOTP 的应用)扫描下面的二维码,然后输入它显示的6位数字。",
        "Scan the QR code below with an authenticator app on your phone (Google Authenticator, Microsoft Authenticator or similar), then enter the 6 digits it shows.",
    ),
    ("second_factor_set_up", "设置动态口令", "Set up"),
    ("second_factor_turn_off", "停用动态口令", "Turn off"),
    (
        "second_factor_why",
        "启用后,登录时除密码外还须输入手机上的6位动态口令,密码泄露也不会被冒用。",
        "With it on, signing in also asks for a 6-digit code from your phone, so a leaked password alone is not enough.",
    ),
    ("section", "板块", "Section"),
    ("set_role", "设置角色", "Set role"),
    ("short_name", "简称", "Short name"),
    ("show", "查看", "Show"),
    ("shown_as", "显示为", "Shown as"),
    ("shown_as_percent", "按百分比显示", "shown as a percentage"),
    ("sort_key", "排序", "Sort key"),
    ("source", "来源", "Source"),
    ("split_by", "分解方式", "Split"),
    ("start_draft", "生成草稿", "Create draft"),
    ("start_from", "参照", "Start from"),
    ("start_year", "制定新年度考核办法", "Start a year's rulebook"),
    (
        "start_year_hint",
        "草稿照搬所参照的考核办法,年份、生效日期和报送期限顺延;修改、试算无误后再发布。",
        "The draft copies the rulebook chosen, moving its year, effective date and deadlines; edit and try it before publishing.",
    ),
    ("state", "状态", "State"),
    ("status", "状态", "Status"),
    ("step_approve", "审核通过", "approved"),
    ("step_evidence", "上传佐证材料", "evidence added"),
    ("step_return", "退回", "returned"),
    ("step_save", "保存草稿", "saved"),
    ("step_submit", "提交审核", "submitted"),
    ("submissions", "填报", "Submissions"),
    ("submit_for_review", "提交审核", "Submit for review"),
    ("submitted_at", "提交时间", "Submitted"),
    ("summary", "内容", "What"),
    ("table_view", "表格", "Table"),
    ("tagline", "工会目标管理考核系统", "Target management and assessment for trade-union federations"),
    ("target", "目标值", "Target"),
    ("target_items", "目标考核项", "Target items"),
    ("targets", "目标", "Targets"),
    ("task", "事项", "Task"),
    ("tasks", "督办", "Tasks"),
    (
        "tasks_hint",
        "时限按工作日计,法定节假日和调休按国务院放假安排;剩余工作日不多于此数时亮黄灯",
        "Deadlines count working days on the State Council's holiday calendar; a task turns yellow with this many working days left",
    ),
    ("template", "下载模板", "Template"),
    ("tie_rule", "名次规则", "Ranking rule"),
    ("title", "标题", "Title"),
    ("to_submit", "待填报", "to submit"),
    ("today", "今天", "today"),
    ("token_created", "签发时间", "Issued"),
    ("token_expired", "已过期", "Expired"),
    ("token_expires", "有效期至", "Expires"),
    ("token_last_used", "最近使用", "Last used"),
    ("token_live", "有效", "Active"),
    ("token_name", "令牌名称", "Token name"),
    ("token_no_expiry", "长期", "No expiry"),
    ("token_once", "请立即复制,此令牌只显示一次:", "Copy it now; this token is shown only once:"),
    ("token_revoke", "吊销", "Revoke"),
    ("token_revoked", "已吊销", "Revoked"),
    ("total", "合计", "Total"),
    (
        "total_note_additive",
        "合计为本单位全部范围(含本级及所有下级)的数值,等于各行之和。",
        "The total is the figure over the whole scope (own records and all subordinates) and equals the sum of the rows.",
    ),
    (
        "total_note_ratio",
        "合计按本单位全部范围重新计算(比率为汇总后的分子除以分母),不是各行相加或平均。",
        "The total is recomputed over the whole scope (a ratio is the rolled-up numerator over the rolled-up denominator), not a sum or average of the rows.",
    ),
    ("total_score", "总分", "Total"),
    ("total_target", "上级目标值", "Total"),
    ("totp_issuer", "考核", "kaohe"),
    ("trend", "近5期走势", "Last 5 periods"),
    ("trend_keys", "走势指标", "Trend indicators"),
    (
        "trial_hint",
        "试算只用于检查,不保存,不影响已发布的考核结果。",
        "A trial saves nothing and changes no published result.",
    ),
    ("trial_result", "试算结果(未发布)", "Trial scores (not published)"),
    ("trial_run", "试算", "Try on current data"),
    (
        "type_a_formula",
        "输入公式后,这里即时显示校验结果和数值。",
        "Type a formula: the check and its figure appear here as you type.",
    ),
    ("unit", "单位", "Unit"),
    ("unlock", "解除锁定", "Unlock"),
    ("unmask", "显示个人信息", "Show personal data"),
    ("unmask_audited", "查看明文个人信息会记入审计日志", "Showing personal data in clear is recorded in the audit log"),
    (
        "unmask_by_post",
        "明文导出个人信息须在台账页面点击“导出”按钮,不能通过链接",
        "Personal data in clear is exported with the Export button on the registry page, never by a link",
    ),
    ("upload", "上传", "Upload"),
    ("username", "用户名", "User name"),
    ("users", "用户", "Users"),
    ("value", "数值", "Value"),
    ("verify_chain", "校验哈希链", "Verify the hash chain"),
    ("version", "版本", "Version"),
    ("veto_items", "一票否决事项", "Veto items"),
    ("vetoed", "一票否决", "vetoed"),
    ("violated", "已触发", "violated"),
    ("weight", "分值", "Weight"),
    ("welcome", "欢迎", "Welcome"),
    ("withdrawn", "已撤回", "withdrawn"),
    ("year", "年度", "Year"),
    ("year_invalid", "年度须为四位数字", "The year must be four digits"),
    ("yellow_from", "黄色自", "Yellow from"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        for w in TEXTS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must come before {}", w[1].0, w[0].0);
        }
        for (k, zh, en) in TEXTS {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_key_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split(".s(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                assert_ne!(Lang::Zh.s(key), "??", "missing UI text {key:?}");
            }
        }
    }
}
