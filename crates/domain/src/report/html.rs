//! The report as one HTML page: every figure links to its drill-down and every named record to
//! its page; a print style sheet lays it out on A4 like the official document.

use super::doc::{Block, Doc, Inline, Target, plain};

/// Where links lead: the app's address (`""` for links relative to the site root) and the org
/// and year figures are drilled at.
#[derive(Debug, Clone)]
pub struct Links {
    pub base: String,
    pub org: i64,
    pub year: i32,
}

impl Links {
    /// The page a target opens.
    pub fn href(&self, t: &Target) -> String {
        match t {
            Target::Figure(k) => {
                format!("{}/indicators/drill?key={k}&org={}&period={}", self.base, self.org, self.year)
            }
            Target::Record { registry, id } if registry == "orgs" => format!("{}/orgs/{id}", self.base),
            Target::Record { registry, id } => format!("{}/registries/{registry}/{id}", self.base),
        }
    }
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn runs(rs: &[Inline], links: &Links) -> String {
    rs.iter()
        .map(|r| match r {
            Inline::Text(t) => escape(t),
            Inline::Link { target, text } => {
                let class = if matches!(target, Target::Figure(_)) { "figure" } else { "named" };
                format!("<a class=\"{class}\" href=\"{}\">{}</a>", escape(&links.href(target)), escape(text))
            }
        })
        .collect()
}

const STYLE: &str = r#"
body{font-family:"FangSong","仿宋_GB2312","仿宋",serif;font-size:16pt;line-height:28pt;max-width:156mm;margin:2em auto;padding:0 1em;color:#111}
h1{font-family:"方正小标宋简体","STZhongsong","SimSun",serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.5}
h2{font-family:"SimHei","黑体",sans-serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}
h3{font-family:"KaiTi","楷体_GB2312","楷体",serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}
h4{font-size:16pt;font-weight:bold;margin:0;text-indent:2em}
p{margin:0;text-indent:2em;text-align:justify}
p.right{text-align:right;text-indent:0;margin-right:4em}
a.figure{color:#0b57d0;text-decoration:none;border-bottom:1px dotted #0b57d0}
a.named{color:inherit;text-decoration:none;border-bottom:1px dotted #888}
table{border-collapse:collapse;margin:.5em auto;font-size:12pt;line-height:1.6}
td,th{border:1px solid #333;padding:2px 8px}
@media (max-width:600px){body{font-size:13pt;line-height:1.8}h1{font-size:17pt}}
@media print{@page{size:A4;margin:37mm 26mm 35mm 28mm}body{margin:0;max-width:none;padding:0}a.figure,a.named{color:inherit;border:0}}
"#;

/// Writes `doc` as a standalone HTML page titled by its first title block.
pub fn write(doc: &Doc, links: &Links) -> String {
    let title =
        doc.blocks.iter().find_map(|b| if let Block::Title(r) = b { Some(plain(r)) } else { None }).unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    for b in &doc.blocks {
        let line = match b {
            Block::Title(r) => format!("<h1>{}</h1>", runs(r, links)),
            Block::Heading(level, r) => format!("<h{n}>{}</h{n}>", runs(r, links), n = level + 1),
            Block::Paragraph(r) => format!("<p>{}</p>", runs(r, links)),
            Block::Right(r) => format!("<p class=\"right\">{}</p>", runs(r, links)),
            Block::Table(rows) => {
                let mut t = String::from("<table>");
                for (i, row) in rows.iter().enumerate() {
                    let tag = if i == 0 { "th" } else { "td" };
                    t.push_str("<tr>");
                    for c in row {
                        t.push_str(&format!("<{tag}>{}</{tag}>", runs(c, links)));
                    }
                    t.push_str("</tr>");
                }
                t.push_str("</table>");
                t
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("</body>\n</html>\n");
    out
}
