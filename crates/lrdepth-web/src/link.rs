//! The URL keys that shape the page rather than the sweep: the link
//! version, the chosen plot, hidden and locked controls, and embed mode.
//!
//! Pure Rust with no browser calls, so the same rules decide what a link
//! opens and what the link builder writes.

use lrdepth_core::Field;

/// Version written as `v=` into every link. Links without it are read as
/// version 1, which is what every earlier link was.
pub const LINK_VERSION: u32 = 1;

pub const VERSION_KEY: &str = "v";
/// Starts a sweep as soon as the page has loaded.
pub const RUN_KEY: &str = "run";
pub const PLOT_KEY: &str = "plot";
pub const HIDE_KEY: &str = "hide";
pub const LOCK_KEY: &str = "lock";
pub const EMBED_KEY: &str = "embed";
pub const SHOW_KEY: &str = "show";

/// Keys of this module, which are not settings of the sweep.
const PAGE_KEYS: [&str; 7] = [
    VERSION_KEY,
    RUN_KEY,
    PLOT_KEY,
    HIDE_KEY,
    LOCK_KEY,
    EMBED_KEY,
    SHOW_KEY,
];

/// A plot that a link scrolls to, or that an embed shows alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plot {
    /// Final loss against depth.
    Depth,
    /// Final loss against η0.
    Rate,
    /// Best rate against depth.
    Best,
    /// The one-step probe.
    Probe,
}

impl Plot {
    pub const ALL: [Plot; 4] = [Plot::Depth, Plot::Rate, Plot::Best, Plot::Probe];

    pub fn key(self) -> &'static str {
        match self {
            Plot::Depth => "depth",
            Plot::Rate => "rate",
            Plot::Best => "best",
            Plot::Probe => "probe",
        }
    }

    pub fn from_key(key: &str) -> Option<Plot> {
        Plot::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Id of the element the plot lives in: its canvas, or the probe section.
    pub fn element_id(self) -> &'static str {
        match self {
            Plot::Depth => "plot-depth",
            Plot::Rate => "plot-rate",
            Plot::Best => "plot-best",
            Plot::Probe => "probe",
        }
    }
}

/// A part of the page that embed mode leaves out unless `show=` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Header,
    Explain,
    Probe,
    Table,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Header,
        Section::Explain,
        Section::Probe,
        Section::Table,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Header => "header",
            Section::Explain => "explain",
            Section::Probe => "probe",
            Section::Table => "table",
        }
    }

    /// CSS selector of the section's element in `index.html`.
    pub fn selector(self) -> &'static str {
        match self {
            Section::Header => "body > header",
            Section::Explain => "#explain",
            Section::Probe => "#probe",
            Section::Table => "#runs",
        }
    }
}

/// Page keys of a link: everything it requests besides the sweep settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkOptions {
    pub plot: Option<Plot>,
    /// Controls left out of the form; they are still validated.
    pub hide: Vec<Field>,
    /// Controls shown with their value but disabled.
    pub lock: Vec<Field>,
    /// Compact layout for an iframe.
    pub embed: bool,
    /// Sections that embed mode shows after all.
    pub show: Vec<Section>,
    pub run: bool,
}

/// Result of [`LinkOptions::parse`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedLink {
    pub options: LinkOptions,
    /// Sentences for the user about what the page ignored and why. A link
    /// never fails to open: every problem becomes a note.
    pub notes: Vec<String>,
}

/// Names listed in one note, at most; a longer list ends with a count.
const MAX_NOTE_NAMES: usize = 8;

/// Characters of one name shown in a note, at most.
const MAX_NAME_CHARS: usize = 40;

/// Formats names for a note: quoted, each cut to `MAX_NAME_CHARS`, and at
/// most `MAX_NOTE_NAMES` of them, so a hostile URL cannot flood the page.
fn quote_names(names: &[&str]) -> String {
    let mut quoted: Vec<String> = names
        .iter()
        .take(MAX_NOTE_NAMES)
        .map(|name| {
            let mut shown: String = name.chars().take(MAX_NAME_CHARS).collect();
            if shown.len() < name.len() {
                shown.push('…');
            }
            format!("{shown:?}")
        })
        .collect();
    if names.len() > MAX_NOTE_NAMES {
        quoted.push(format!("and {} more", names.len() - MAX_NOTE_NAMES));
    }
    quoted.join(", ")
}

/// Splits a comma-separated list, dropping blanks.
fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Parses a list of names with `from_key`, noting each unknown name.
fn parse_list<T: PartialEq>(
    key: &str,
    text: &str,
    from_key: impl Fn(&str) -> Option<T>,
    allowed: &[&str],
    notes: &mut Vec<String>,
) -> Vec<T> {
    let mut items = Vec::new();
    let mut unknown = Vec::new();
    for name in list_items(text) {
        match from_key(name) {
            Some(item) if !items.contains(&item) => items.push(item),
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "{key}: {} ignored because each must be one of {}.",
            quote_names(&unknown),
            allowed.join(", ")
        ));
    }
    items
}

fn field_keys() -> Vec<&'static str> {
    Field::ALL.into_iter().map(Field::key).collect()
}

impl LinkOptions {
    /// Reads the page keys of a URL query. Settings keys are left to
    /// `SweepConfig::parse`; any other key becomes a note. For a repeated
    /// key the last value counts, as it does for the settings.
    pub fn parse(pairs: &[(String, String)]) -> ParsedLink {
        let mut options = LinkOptions::default();
        let mut notes = Vec::new();
        let last = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim())
        };

        if let Some(text) = last(VERSION_KEY) {
            match text.parse::<u32>() {
                Ok(version) if version <= LINK_VERSION => {}
                Ok(version) => notes.push(format!(
                    "This link was made by a newer version of the page (v={version}, this is \
                     v={LINK_VERSION}): settings this version does not know are ignored."
                )),
                Err(_) => notes.push(format!(
                    "v: {} is not a link version, so the link was read as v={LINK_VERSION}.",
                    quote_names(&[text])
                )),
            }
        }
        if let Some(text) = last(PLOT_KEY).filter(|t| !t.is_empty()) {
            options.plot = Plot::from_key(text);
            if options.plot.is_none() {
                let allowed: Vec<&str> = Plot::ALL.into_iter().map(Plot::key).collect();
                notes.push(format!(
                    "plot: {} ignored because it is not one of {}.",
                    quote_names(&[text]),
                    allowed.join(", ")
                ));
            }
        }
        let fields = field_keys();
        if let Some(text) = last(HIDE_KEY) {
            options.hide = parse_list(HIDE_KEY, text, Field::from_key, &fields, &mut notes);
        }
        if let Some(text) = last(LOCK_KEY) {
            options.lock = parse_list(LOCK_KEY, text, Field::from_key, &fields, &mut notes);
        }
        if let Some(text) = last(SHOW_KEY) {
            let sections: Vec<&str> = Section::ALL.into_iter().map(Section::key).collect();
            let from_key = |key: &str| Section::ALL.into_iter().find(|s| s.key() == key);
            options.show = parse_list(SHOW_KEY, text, from_key, &sections, &mut notes);
        }
        options.embed = last(EMBED_KEY).is_some_and(is_on);
        options.run = last(RUN_KEY).is_some_and(is_on);

        let mut unknown: Vec<&str> = Vec::new();
        for (key, _) in pairs {
            let known = Field::from_key(key).is_some() || PAGE_KEYS.contains(&key.as_str());
            if !known && !unknown.contains(&key.as_str()) {
                unknown.push(key);
            }
        }
        if !unknown.is_empty() {
            notes.push(format!(
                "This page does not know the link's {} {}, so {} ignored.",
                if unknown.len() == 1 { "key" } else { "keys" },
                quote_names(&unknown),
                if unknown.len() == 1 {
                    "it was"
                } else {
                    "they were"
                }
            ));
        }
        ParsedLink { options, notes }
    }

    /// Returns the page keys as query pairs, in a fixed order, leaving out
    /// those at their defaults. `run` is never written: a link that starts
    /// a sweep is made on purpose, by adding `run=1`.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(plot) = self.plot {
            pairs.push((PLOT_KEY, plot.key().to_string()));
        }
        let join = |keys: Vec<&str>| keys.join(",");
        if !self.hide.is_empty() {
            pairs.push((HIDE_KEY, join(self.hide.iter().map(|f| f.key()).collect())));
        }
        if !self.lock.is_empty() {
            pairs.push((LOCK_KEY, join(self.lock.iter().map(|f| f.key()).collect())));
        }
        if self.embed {
            pairs.push((EMBED_KEY, "1".to_string()));
        }
        if !self.show.is_empty() {
            pairs.push((SHOW_KEY, join(self.show.iter().map(|s| s.key()).collect())));
        }
        pairs
    }
}

/// Reads a flag: `1`, `true` or `on` is set, anything else is not.
fn is_on(text: &str) -> bool {
    matches!(text, "1" | "true" | "on")
}

/// Returns every pair of a link: the version first, then the settings,
/// then the page keys.
pub fn link_pairs(
    settings: Vec<(&'static str, String)>,
    options: &LinkOptions,
) -> Vec<(&'static str, String)> {
    let mut pairs = vec![(VERSION_KEY, LINK_VERSION.to_string())];
    pairs.extend(settings);
    pairs.extend(options.pairs());
    pairs
}
