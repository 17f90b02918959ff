//! Traffic Light Protocol markings: the five TLP 2.0 marking definitions of the OASIS
//! extension and the four TLP 1.0 definitions of STIX 2.1 (WHITE maps to CLEAR).

use std::fmt;

/// A TLP 2.0 level, from the most open to the most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TlpLevel {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl TlpLevel {
    pub const ALL: [TlpLevel; 5] = [Self::Clear, Self::Green, Self::Amber, Self::AmberStrict, Self::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            TlpLevel::Clear => "clear",
            TlpLevel::Green => "green",
            TlpLevel::Amber => "amber",
            TlpLevel::AmberStrict => "amber+strict",
            TlpLevel::Red => "red",
        }
    }

    /// The TLP 2.0 marking-definition id of this level.
    pub fn marking_id(self) -> &'static str {
        match self {
            TlpLevel::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            TlpLevel::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            TlpLevel::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            TlpLevel::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            TlpLevel::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The level a marking-definition id stands for, if it is one of the nine TLP markings.
    pub fn from_marking_id(id: &str) -> Option<Self> {
        if let Some(l) = Self::ALL.into_iter().find(|l| l.marking_id() == id) {
            return Some(l);
        }
        match id {
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9" => Some(TlpLevel::Clear), // TLP 1.0 WHITE
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da" => Some(TlpLevel::Green),
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" => Some(TlpLevel::Amber),
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" => Some(TlpLevel::Red),
            _ => None,
        }
    }

    /// The most restrictive TLP level among marking references (`None` when none is TLP).
    pub fn of_markings<'a>(refs: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        refs.into_iter().filter_map(Self::from_marking_id).max()
    }
}

impl std::str::FromStr for TlpLevel {
    type Err = String;

    /// Reads `clear`, `green`, `amber`, `amber+strict` or `red` (any case, with or without a
    /// `TLP:` prefix; `white` is TLP 1.0's name for `clear`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let name = lower.strip_prefix("tlp:").unwrap_or(&lower);
        if name == "white" {
            return Ok(TlpLevel::Clear);
        }
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == name)
            .ok_or_else(|| format!("{s:?} is not a TLP level (clear, green, amber, amber+strict or red)"))
    }
}

impl fmt::Display for TlpLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLP:{}", self.as_str().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markings_map_to_levels() {
        for l in TlpLevel::ALL {
            assert_eq!(TlpLevel::from_marking_id(l.marking_id()), Some(l));
        }
        assert_eq!(
            TlpLevel::from_marking_id("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Some(TlpLevel::Clear)
        );
        assert_eq!(
            TlpLevel::from_marking_id("marking-definition--00000000-0000-4000-8000-000000000000"),
            None
        );
        let refs = [TlpLevel::Green.marking_id(), TlpLevel::Red.marking_id(), "marking-definition--x"];
        assert_eq!(TlpLevel::of_markings(refs), Some(TlpLevel::Red));
        assert_eq!(TlpLevel::of_markings([]), None);
        assert_eq!(TlpLevel::AmberStrict.to_string(), "TLP:AMBER+STRICT");
        for l in TlpLevel::ALL {
            assert_eq!(l.as_str().parse::<TlpLevel>(), Ok(l));
            assert_eq!(l.to_string().parse::<TlpLevel>(), Ok(l));
        }
        assert_eq!("TLP:WHITE".parse::<TlpLevel>(), Ok(TlpLevel::Clear));
        assert!("orange".parse::<TlpLevel>().is_err());
    }
}
