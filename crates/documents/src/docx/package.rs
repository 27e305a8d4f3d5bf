//! The package parts docx-rs writes in a fixed form and an official document needs otherwise: the
//! font table (each Chinese face with the name a stock Windows has as its alternative and the
//! GB 2312 character set, so Word and WPS substitute 仿宋 for a missing 仿宋_GB2312), the
//! document defaults' language (zh-CN for East Asian text, so LibreOffice and Word pick a
//! Simplified Chinese face rather than a Japanese one) and the core properties (the issuing org as
//! author, the title, the language).

use docx_rs::XMLDocx;

/// Each face the document names, the face a stock Windows has in its place, and its family.
const FACES: [(&str, &str, &str); 6] = [
    ("仿宋_GB2312", "仿宋", "modern"),
    ("楷体_GB2312", "楷体", "modern"),
    ("方正小标宋简体", "宋体", "roman"),
    ("黑体", "SimHei", "modern"),
    ("宋体", "SimSun", "auto"),
    ("Times New Roman", "", "roman"),
];

/// Escapes text for an XML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn font_table() -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    );
    for (name, alt, family) in FACES {
        x.push_str(&format!(r#"<w:font w:name="{name}">"#));
        if !alt.is_empty() {
            x.push_str(&format!(r#"<w:altName w:val="{alt}"/>"#));
        }
        // 86 is GB 2312; 00 is ANSI for the Latin face.
        let charset = if alt.is_empty() { "00" } else { "86" };
        x.push_str(&format!(
            r#"<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>"#
        ));
    }
    x.push_str("</w:fonts>");
    x.into_bytes()
}

fn core_props(title: &str, author: &str, stamp: &str) -> Vec<u8> {
    let (title, author) = (escape(title), escape(author));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>zh-CN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified><cp:revision>1</cp:revision></cp:coreProperties>"#
    )
    .into_bytes()
}

/// The document defaults' run properties with East Asian text marked zh-CN (`w:lang` comes last
/// among the properties docx-rs writes there, as the schema orders them).
fn with_language(styles: Vec<u8>) -> Vec<u8> {
    const LANG: &str = r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#;
    let s = String::from_utf8(styles).unwrap_or_default();
    let Some(start) = s.find("<w:rPrDefault>") else { return s.into_bytes() };
    let Some(end) = s[start..].find("</w:rPr>").map(|i| start + i) else { return s.into_bytes() };
    let mut out = String::with_capacity(s.len() + LANG.len());
    out.push_str(&s[..end]);
    out.push_str(LANG);
    out.push_str(&s[end..]);
    out.into_bytes()
}

/// Replaces the parts named above in a built package.
pub(super) fn finish(mut xml: XMLDocx, title: &str, author: &str, stamp: &str) -> XMLDocx {
    xml.font_table = font_table();
    xml.doc_props.core = core_props(title, author, stamp);
    xml.styles = with_language(std::mem::take(&mut xml.styles));
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_goes_into_the_default_run_properties() {
        let s = br#"<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32" /></w:rPr></w:rPrDefault></w:docDefaults>"#;
        let out = String::from_utf8(with_language(s.to_vec())).unwrap();
        assert!(out.contains(r#"<w:sz w:val="32" /><w:lang w:val="en-US" w:eastAsia="zh-CN""#), "{out}");
    }

    #[test]
    fn names_are_escaped_in_the_properties() {
        let out = String::from_utf8(core_props("A&B", "<工会>", "2010-01-15T00:00:00Z")).unwrap();
        assert!(out.contains("<dc:creator>&lt;工会&gt;</dc:creator>") && out.contains("A&amp;B"), "{out}");
    }
}
