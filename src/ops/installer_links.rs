//! Agent installer links for one device group, as MeshCentral's own "Add Agent" dialog builds them (1.1.55
//! `views/default.handlebars`), with the group id suffix properly URL-encoded (`$` -> `%24`, `@` -> `%40`).
//! No login is needed to download these unless `lockAgentDownload` is on: the suffix acts as the enrolment secret,
//! so only ever show a client the links of its own group.

use serde::{Deserialize, Serialize};

use crate::config::parse_base_url;
use crate::error::Result;
use crate::ids::mesh_suffix;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    WindowsX64,
    WindowsX86,
    WindowsArm64,
    LinuxX64,
    LinuxScript,
    Macos,
}

impl Platform {
    pub const ALL: [Platform; 6] = [
        Platform::WindowsX64,
        Platform::WindowsX86,
        Platform::WindowsArm64,
        Platform::LinuxX64,
        Platform::LinuxScript,
        Platform::Macos,
    ];

    /// The name hosts use (the same as serde's).
    pub fn name(self) -> &'static str {
        match self {
            Platform::WindowsX64 => "windows_x64",
            Platform::WindowsX86 => "windows_x86",
            Platform::WindowsArm64 => "windows_arm64",
            Platform::LinuxX64 => "linux_x64",
            Platform::LinuxScript => "linux_script",
            Platform::Macos => "macos",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    fn label(self) -> &'static str {
        match self {
            Platform::WindowsX64 => "Windows (64-bit)",
            Platform::WindowsX86 => "Windows (32-bit)",
            Platform::WindowsArm64 => "Windows (ARM64)",
            Platform::LinuxX64 => "Linux (x86-64)",
            Platform::LinuxScript => "Linux install script",
            Platform::Macos => "macOS (Universal)",
        }
    }

    /// (path, query pairs) relative to the server's base URL.
    fn target(self, suffix: &str) -> (&'static str, Vec<(&'static str, String)>) {
        let win = |id: &str| {
            vec![
                ("id", id.to_string()),
                ("meshid", suffix.to_string()),
                ("installflags", "0".into()),
            ]
        };
        match self {
            Platform::WindowsX64 => ("meshagents", win("4")),
            Platform::WindowsX86 => ("meshagents", win("3")),
            Platform::WindowsArm64 => ("meshagents", win("43")),
            Platform::LinuxX64 => (
                "meshagents",
                vec![
                    ("id", suffix.to_string()),
                    ("installflags", "0".into()),
                    ("meshinstall", "6".into()),
                ],
            ),
            Platform::LinuxScript => ("meshagents", vec![("script", "1".into())]),
            Platform::Macos => (
                "meshosxagent",
                vec![("id", "10005".into()), ("meshid", suffix.to_string())],
            ),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallerLinksInput {
    pub base_url: String,
    pub mesh_id: String,
    /// Which links to build (default: all).
    #[serde(default)]
    pub platforms: Option<Vec<Platform>>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct InstallerLink {
    pub platform: Platform,
    pub label: &'static str,
    pub url: String,
    /// For the Linux install script and the Linux binary: the one-line shell command that downloads it and enrols the
    /// machine into this group (the script itself is the same for every group; MeshCentral's own UI shows the same
    /// command for it).
    pub command: Option<String>,
}

pub fn run(input: InstallerLinksInput) -> Result<Vec<InstallerLink>> {
    let base = parse_base_url(&input.base_url)?.url;
    let suffix = mesh_suffix(&input.mesh_id)?;
    let dir = format!("{}/", base.path().trim_end_matches('/'));
    let platforms = input.platforms.unwrap_or_else(|| Platform::ALL.to_vec());
    Ok(platforms
        .into_iter()
        .map(|p| {
            let (path, query) = p.target(suffix);
            let mut url = base.clone();
            url.set_path(&format!("{dir}{path}"));
            url.set_query(None);
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
            let server = base.as_str().trim_end_matches('/');
            let command = match p {
                Platform::LinuxScript => Some(format!(
                    "wget '{url}' -O ./meshinstall.sh && chmod 755 ./meshinstall.sh && sudo -E ./meshinstall.sh \
                     '{server}' '{suffix}'"
                )),
                // The binary carries this group's settings (`meshinstall`); `-install` makes it a service.
                Platform::LinuxX64 => Some(format!(
                    "wget '{url}' -O ./meshagent && chmod 755 ./meshagent && sudo ./meshagent -install"
                )),
                _ => None,
            };
            InstallerLink {
                platform: p,
                label: p.label(),
                url: url.to_string(),
                command,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_the_group_suffix() {
        let links = run(InstallerLinksInput {
            base_url: "https://mc.example.test:8443/tenant".into(),
            mesh_id: "mesh/tenant/Ab$c@D".into(),
            platforms: None,
        })
        .unwrap();
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://mc.example.test:8443/tenant/meshagents?id=4&meshid=Ab%24c%40D&installflags=0",
                "https://mc.example.test:8443/tenant/meshagents?id=3&meshid=Ab%24c%40D&installflags=0",
                "https://mc.example.test:8443/tenant/meshagents?id=43&meshid=Ab%24c%40D&installflags=0",
                "https://mc.example.test:8443/tenant/meshagents?id=Ab%24c%40D&installflags=0&meshinstall=6",
                "https://mc.example.test:8443/tenant/meshagents?script=1",
                "https://mc.example.test:8443/tenant/meshosxagent?id=10005&meshid=Ab%24c%40D",
            ]
        );
    }

    #[test]
    fn only_group_ids_are_accepted() {
        for bad in ["", "node//abc", "mesh//", "mesh//a b", "mesh//a&b=c", "mesh"] {
            let r = run(InstallerLinksInput {
                base_url: "https://x".into(),
                mesh_id: bad.into(),
                platforms: None,
            });
            assert_eq!(r.unwrap_err().kind(), "invalid_input", "{bad}");
        }
        // The base URL goes through the same validation as the server settings (no query, credentials or paths).
        for base in ["https://x/?a=1", "https://u:p@x", "https://x/a/b", "ftp://x"] {
            let r = run(InstallerLinksInput {
                base_url: base.into(),
                mesh_id: "mesh//abc".into(),
                platforms: None,
            });
            assert_eq!(r.unwrap_err().kind(), "invalid_input", "{base}");
        }
    }

    #[test]
    fn the_linux_script_comes_with_the_command_that_enrols_into_this_group() {
        let links = run(InstallerLinksInput {
            base_url: "https://mc.example.test:8443/".into(),
            mesh_id: "mesh//ab$c@d".into(),
            platforms: Some(vec![Platform::LinuxScript, Platform::WindowsX64]),
        })
        .unwrap();
        assert_eq!(
            links[0].command.as_deref(),
            Some(
                "wget 'https://mc.example.test:8443/meshagents?script=1' -O ./meshinstall.sh && chmod 755 \
                 ./meshinstall.sh && sudo -E ./meshinstall.sh 'https://mc.example.test:8443' 'ab$c@d'"
            )
        );
        assert_eq!(links[1].command, None);
    }

    #[test]
    fn the_linux_binary_comes_with_a_one_line_install_command() {
        let links = run(InstallerLinksInput {
            base_url: "https://mc.example.test/".into(),
            mesh_id: "mesh//ab$c@d".into(),
            platforms: Some(vec![Platform::LinuxX64]),
        })
        .unwrap();
        assert_eq!(
            links[0].command.as_deref(),
            Some(
                "wget 'https://mc.example.test/meshagents?id=ab%24c%40d&installflags=0&meshinstall=6' -O ./meshagent \
                 && chmod 755 ./meshagent && sudo ./meshagent -install"
            )
        );
    }
}
