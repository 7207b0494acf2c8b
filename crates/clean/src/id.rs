//! Stable ids from URLs.
//!
//! The same story reached through a newsletter link, a social share or a bare link
//! must get the same id, so the URL is canonicalised first: scheme and host in lower
//! case (the `url` crate does this and drops default ports), no fragment, no tracking
//! parameters, the other query parameters sorted, no trailing slash.

use url::Url;
use xxhash_rust::xxh3::xxh3_64;

/// Query parameters that only say how a reader arrived, compared case-insensitively.
/// Every `utm_*` parameter is one too.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
];

/// The canonical form of `raw`, or `None` when it is not an absolute URL with a host.
pub fn canonical_url(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?;
    if host.is_empty() {
        return None;
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        // Only non-special schemes keep host case; web URLs are already lowercased.
        let lower = host.to_ascii_lowercase();
        url.set_host(Some(&lower)).ok()?;
    }
    url.set_fragment(None);

    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| !is_tracking(key))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if params.is_empty() {
        url.set_query(None);
    } else {
        // Stable sort: repeated keys keep their order, which can matter to the site.
        params.sort_by(|a, b| a.0.cmp(&b.0));
        url.query_pairs_mut().clear().extend_pairs(&params);
    }

    let path = url.path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/').to_string();
        url.set_path(if trimmed.is_empty() { "/" } else { &trimmed });
    }
    Some(url.into())
}

/// The id of an article that came without one: `url:` and 16 hex digits of the
/// xxh3 hash of the canonical URL. `None` when `raw` is not a usable URL.
pub fn id_from_url(raw: &str) -> Option<String> {
    canonical_url(raw).map(|url| format!("url:{:016x}", xxh3_64(url.as_bytes())))
}

fn is_tracking(key: &str) -> bool {
    let starts_utm = key
        .get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case("utm_"));
    starts_utm
        || TRACKING_PARAMS
            .iter()
            .any(|param| param.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_fragments_ports_case_and_slashes_do_not_change_the_id() {
        let plain = id_from_url("https://news.example.com/world/parade-2025").unwrap();
        for variant in [
            "HTTPS://News.Example.COM/world/parade-2025/",
            "https://news.example.com:443/world/parade-2025#comments",
            "https://news.example.com/world/parade-2025?utm_source=nl&utm_medium=email",
            "https://news.example.com/world/parade-2025?fbclid=abc&UTM_Campaign=x",
            " https://news.example.com/world/parade-2025?gclid=1 ",
        ] {
            assert_eq!(id_from_url(variant).unwrap(), plain, "{variant}");
        }
        assert!(plain.starts_with("url:") && plain.len() == 20, "{plain}");
    }

    #[test]
    fn meaningful_query_parameters_keep_stories_apart_in_any_order() {
        let a = id_from_url("https://example.com/story?id=1&page=2").unwrap();
        let b = id_from_url("https://example.com/story?page=2&utm_source=x&id=1").unwrap();
        let c = id_from_url("https://example.com/story?id=2&page=2").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn canonical_form_is_readable() {
        assert_eq!(
            canonical_url("HTTP://Example.com:80/a/b/?utm_term=z&q=1#top").unwrap(),
            "http://example.com/a/b?q=1"
        );
        assert_eq!(
            canonical_url("https://example.com/").unwrap(),
            "https://example.com/"
        );
    }

    #[test]
    fn urls_without_a_host_give_no_id() {
        assert_eq!(id_from_url("not a url"), None);
        assert_eq!(id_from_url("/relative/path"), None);
        assert_eq!(id_from_url("mailto:desk@example.com"), None);
    }
}
