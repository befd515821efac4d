//! Which Windows release an NTLM product version names: a table, with the source of every row.
//! Words, not judgement: the diagnosis writes the release into the report (`nla.os_release`)
//! and the identity finding, and the renderers name it for reports made before it did.
//!
//! The NTLM CHALLENGE's VERSION field (MS-NLMP 2.2.2.10) carries the host's major, minor and build
//! number. A build number names a release; some are shared by a client and a server release
//! (26100 is both Windows 11 24H2 and Windows Server 2025), which the version alone cannot tell
//! apart. The rows come from shared/research/windows-client.md §8; `[MS]` there means a Microsoft
//! page: the Policy CSP applicability notes ("Windows 11, version 24H2 [10.0.26100]"), the
//! Windows Server release-health page ("Windows Server 2025 (OS build 26100)"), and KB 4295591's
//! TSpkg.dll table. Rows without a Microsoft source are marked unverified and say so in the
//! report. Non-Windows servers report what they like: the FreeRDP shadow server sends a fixed
//! 6.1.7601.

/// One row: the version, the release(s) it names, and whether a Microsoft page says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
    /// Most likely first: the server release when the build is shared.
    pub names: &'static [&'static str],
    pub verified: bool,
}

const fn row(
    major: u8,
    minor: u8,
    build: u16,
    names: &'static [&'static str],
    verified: bool,
) -> Release {
    Release {
        major,
        minor,
        build,
        names,
        verified,
    }
}

/// The table, newest first.
pub const RELEASES: &[Release] = &[
    // [3P]/[unverified] in windows-client.md §8: no Microsoft page read for 25H2.
    row(10, 0, 26200, &["Windows 11 25H2"], false),
    // [MS] CSP "Windows 11, version 24H2 [10.0.26100]"; release health "Windows Server 2025 (OS
    // build 26100)".
    row(
        10,
        0,
        26100,
        &["Windows Server 2025", "Windows 11 24H2"],
        true,
    ),
    // [unverified]: appears unnamed in a CSP applicability row "[10.0.25398.827]".
    row(10, 0, 25398, &["Windows Server, version 23H2"], false),
    // [MS] CSP "Windows 11, version 23H2 [10.0.22631]".
    row(10, 0, 22631, &["Windows 11 23H2"], true),
    // [MS] CSP "Windows 11, version 22H2 [10.0.22621…]".
    row(10, 0, 22621, &["Windows 11 22H2"], true),
    // [MS] CSP "Windows 11, version 21H2 [10.0.22000]".
    row(10, 0, 22000, &["Windows 11 21H2"], true),
    // [MS] release health "Windows Server 2022 (OS build 20348)".
    row(10, 0, 20348, &["Windows Server 2022"], true),
    // [MS] CSP "Windows 10, version 22H2 [10.0.19045…]" and the 21H2 / 21H1 / 20H2 / 2004 rows.
    row(10, 0, 19045, &["Windows 10 22H2"], true),
    row(10, 0, 19044, &["Windows 10 21H2"], true),
    row(10, 0, 19043, &["Windows 10 21H1"], true),
    row(10, 0, 19042, &["Windows 10 20H2"], true),
    row(10, 0, 19041, &["Windows 10 2004"], true),
    // [MS] CSP "Windows 10, version 1809 [10.0.17763]"; release health "Windows Server 2019
    // (version 1809)".
    row(
        10,
        0,
        17763,
        &["Windows Server 2019", "Windows 10 1809"],
        true,
    ),
    // [MS] KB 4295591 TSpkg.dll table (10.0.16299.431, 10.0.15063.1088).
    row(10, 0, 16299, &["Windows 10 1709"], true),
    row(10, 0, 15063, &["Windows 10 1703"], true),
    // [MS] CSP "Windows 10, version 1607 [10.0.14393]"; release health "Windows Server 2016
    // (version 1607)".
    row(
        10,
        0,
        14393,
        &["Windows Server 2016", "Windows 10 1607"],
        true,
    ),
    // [MS] KB 4295591 TSpkg.dll 6.3.9600.18999 row.
    row(6, 3, 9600, &["Windows Server 2012 R2", "Windows 8.1"], true),
    // [MS] KB 4295591 TSpkg.dll 6.2.9200.22432 row (Server 2012 only; Windows 8 is also 6.2,
    // its build unverified, so it is not named).
    row(6, 2, 9200, &["Windows Server 2012"], true),
    // [MS] KB 4295591 TSpkg.dll 6.1.7601.24117 row.
    row(
        6,
        1,
        7601,
        &["Windows Server 2008 R2 SP1", "Windows 7 SP1"],
        true,
    ),
];

/// The row for this version, if the table has one.
pub fn windows_release(major: u8, minor: u8, build: u16) -> Option<&'static Release> {
    RELEASES
        .iter()
        .find(|r| (r.major, r.minor, r.build) == (major, minor, build))
}

impl Release {
    /// As the report writes it: `Windows Server 2019 / Windows 10 1809`, with ` (unverified)`
    /// after a row no Microsoft page backs.
    pub fn text(&self) -> String {
        self.text_for(None)
    }

    /// [`Release::text`] for a machine known to be a server (`Some(true)`) or a client
    /// (`Some(false)`), as its own product name says: only the names of that kind, when the
    /// build names both.
    pub fn text_for(&self, server: Option<bool>) -> String {
        let kind: Vec<&str> = match server {
            Some(s) => self
                .names
                .iter()
                .copied()
                .filter(|n| n.contains("Server") == s)
                .collect(),
            None => Vec::new(),
        };
        let names = if kind.is_empty() {
            self.names.join(" / ")
        } else {
            kind.join(" / ")
        };
        if self.verified {
            names
        } else {
            format!("{names} (unverified)")
        }
    }
}

/// The release of a product version, or why there is none: `build 10.0.12345: not in
/// rdpcheck's table`.
pub fn describe(major: u8, minor: u8, build: u16) -> String {
    match windows_release(major, minor, build) {
        Some(r) => r.text(),
        None => format!("build {major}.{minor}.{build}: not in rdpcheck's table"),
    }
}

/// [`describe`] for a `major.minor.build` string as the report writes `product_version`.
pub fn describe_text(product_version: &str) -> String {
    let mut parts = product_version.split('.');
    let parsed = (|| {
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let build = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((major, minor, build))
    })();
    match parsed {
        Some((major, minor, build)) => describe(major, minor, build),
        None => format!("version {product_version}: not in rdpcheck's table"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_that_knows_its_kind_gets_only_those_names() {
        let shared = windows_release(10, 0, 26100).expect("26100");
        assert_eq!(shared.text_for(Some(false)), "Windows 11 24H2");
        assert_eq!(shared.text_for(Some(true)), "Windows Server 2025");
        assert_eq!(shared.text_for(None), shared.text());
        // A build the table names for one kind only keeps its names either way.
        let server = windows_release(10, 0, 20348).expect("20348");
        assert_eq!(server.text_for(Some(false)), "Windows Server 2022");
    }

    #[test]
    fn builds_name_their_releases() {
        assert_eq!(
            describe(10, 0, 17763),
            "Windows Server 2019 / Windows 10 1809"
        );
        assert_eq!(describe(10, 0, 20348), "Windows Server 2022");
        assert_eq!(
            describe(10, 0, 26100),
            "Windows Server 2025 / Windows 11 24H2"
        );
        assert_eq!(describe(10, 0, 16299), "Windows 10 1709");
        assert_eq!(
            describe(6, 1, 7601),
            "Windows Server 2008 R2 SP1 / Windows 7 SP1"
        );
        assert_eq!(describe(10, 0, 26200), "Windows 11 25H2 (unverified)");
        assert_eq!(
            describe(10, 0, 12345),
            "build 10.0.12345: not in rdpcheck's table"
        );
        assert_eq!(describe_text("10.0.20348"), "Windows Server 2022");
        assert_eq!(
            describe_text("10.0.x"),
            "version 10.0.x: not in rdpcheck's table"
        );
        assert_eq!(
            describe_text("10.0.17763.1"),
            "version 10.0.17763.1: not in rdpcheck's table"
        );
        // The build alone is not enough: 6.1.17763 is no release.
        assert_eq!(windows_release(6, 1, 17763), None);
    }

    #[test]
    fn the_table_has_one_row_per_version_and_names_in_each() {
        for (i, a) in RELEASES.iter().enumerate() {
            assert!(!a.names.is_empty());
            for b in &RELEASES[i + 1..] {
                assert_ne!((a.major, a.minor, a.build), (b.major, b.minor, b.build));
            }
        }
    }
}
