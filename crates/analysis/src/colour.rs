//! Colour maths: hex parsing, CIELAB and CIEDE2000 (via `palette`), WCAG 2.2 luminance and contrast.
//!
//! Colours are straight (not premultiplied) sRGB with channels in 0..=1, the way Figma stores them.

use std::fmt;

use palette::color_difference::{Ciede2000, Wcag21RelativeContrast};
use palette::{IntoColor, Srgb};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// WCAG 2.2 minimum contrast for normal text (success criterion 1.4.3, level AA).
pub const MIN_CONTRAST_NORMAL_TEXT: f64 = 4.5;
/// WCAG 2.2 minimum contrast for large text (success criterion 1.4.3, level AA).
pub const MIN_CONTRAST_LARGE_TEXT: f64 = 3.0;
/// Large text: at least 18 pt (24 CSS px) …
pub const LARGE_TEXT_MIN_PX: f64 = 24.0;
/// … or at least 14 pt (18.66 CSS px) when bold.
pub const LARGE_BOLD_TEXT_MIN_PX: f64 = 18.66;
/// The weight from which text counts as bold for the large-text rule.
pub const BOLD_MIN_WEIGHT: f64 = 700.0;

/// CIELAB (D65) coordinates, as [`Rgba::to_lab`] returns them.
pub type Lab = palette::Lab<palette::white_point::D65, f64>;

/// A straight-alpha sRGB colour with channels in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rgba {
    pub r: f64,
    pub g: f64,
    pub b: f64,
    pub a: f64,
}

/// Why a colour string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColourError {
    #[error("colour {0:?} is not a hex colour (#RGB, #RGBA, #RRGGBB or #RRGGBBAA)")]
    NotHex(String),
}

impl Rgba {
    pub const WHITE: Rgba = Rgba {
        r: 1.0,
        g: 1.0,
        b: 1.0,
        a: 1.0,
    };
    pub const BLACK: Rgba = Rgba {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        a: 1.0,
    };

    /// Builds a colour, clamping every channel into 0..=1 and mapping NaN to 0 so that hostile
    /// input can never produce a colour the maths below cannot handle.
    pub fn new(r: f64, g: f64, b: f64, a: f64) -> Self {
        Self {
            r: clamp_unit(r),
            g: clamp_unit(g),
            b: clamp_unit(b),
            a: clamp_unit(a),
        }
    }

    pub fn opaque(r: f64, g: f64, b: f64) -> Self {
        Self::new(r, g, b, 1.0)
    }

    /// Parses `#RGB`, `#RGBA`, `#RRGGBB` or `#RRGGBBAA` (the `#` is optional).
    pub fn from_hex(text: &str) -> Result<Self, ColourError> {
        let err = || ColourError::NotHex(text.chars().take(40).collect());
        let digits = text.trim().strip_prefix('#').unwrap_or(text.trim());
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err());
        }
        let nibble = |i: usize| u8::from_str_radix(&digits[i..=i], 16).map_err(|_| err());
        let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| err());
        let channels: [u8; 4] = match digits.len() {
            3 => [nibble(0)? * 17, nibble(1)? * 17, nibble(2)? * 17, 255],
            4 => [
                nibble(0)? * 17,
                nibble(1)? * 17,
                nibble(2)? * 17,
                nibble(3)? * 17,
            ],
            6 => [byte(0)?, byte(2)?, byte(4)?, 255],
            8 => [byte(0)?, byte(2)?, byte(4)?, byte(6)?],
            _ => return Err(err()),
        };
        let [r, g, b, a] = channels.map(|c| f64::from(c) / 255.0);
        Ok(Self::new(r, g, b, a))
    }

    /// The colour quantised to 8 bits per channel, as `[r, g, b, a]`.
    pub fn to_bytes(self) -> [u8; 4] {
        // Channels are clamped to 0..=1 on construction, so the rounded value fits in a u8.
        [self.r, self.g, self.b, self.a].map(|c| (clamp_unit(c) * 255.0).round() as u8)
    }

    /// `#RRGGBB` for opaque colours, `#RRGGBBAA` otherwise (upper case, quantised to 8 bits).
    pub fn to_hex(self) -> String {
        let [r, g, b, a] = self.to_bytes();
        if a == 255 {
            format!("#{r:02X}{g:02X}{b:02X}")
        } else {
            format!("#{r:02X}{g:02X}{b:02X}{a:02X}")
        }
    }

    /// The same colour with its alpha multiplied by `factor` (paint or layer opacity).
    pub fn with_opacity(self, factor: f64) -> Self {
        Self::new(self.r, self.g, self.b, self.a * factor)
    }

    pub fn is_opaque(self) -> bool {
        self.to_bytes()[3] == 255
    }

    /// Source-over compositing of `self` onto `background` in gamma-encoded sRGB, which is what
    /// browsers and Figma do. The result is opaque when the background is.
    pub fn over(self, background: Rgba) -> Rgba {
        let out_a = self.a + background.a * (1.0 - self.a);
        if out_a <= 0.0 {
            return Rgba::new(0.0, 0.0, 0.0, 0.0);
        }
        let mix = |fg: f64, bg: f64| (fg * self.a + bg * background.a * (1.0 - self.a)) / out_a;
        Rgba::new(
            mix(self.r, background.r),
            mix(self.g, background.g),
            mix(self.b, background.b),
            out_a,
        )
    }

    /// CIELAB (D65) coordinates of the colour, ignoring alpha.
    pub fn to_lab(self) -> Lab {
        Srgb::new(self.r, self.g, self.b).into_linear().into_color()
    }

    /// WCAG 2.2 relative luminance (0 = black, 1 = white), ignoring alpha.
    pub fn relative_luminance(self) -> f64 {
        Srgb::new(self.r, self.g, self.b).relative_luminance().luma
    }
}

impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

fn clamp_unit(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

/// CIEDE2000 colour difference between two colours (alpha ignored). About 1.0 is a just
/// noticeable difference; below 2.0 most people call two colours "the same".
pub fn delta_e2000(a: Rgba, b: Rgba) -> f64 {
    delta_e2000_lab(a.to_lab(), b.to_lab())
}

/// CIEDE2000 difference of colours already in CIELAB (convert once, compare many times).
pub fn delta_e2000_lab(a: Lab, b: Lab) -> f64 {
    a.difference(b)
}

/// WCAG 2.2 contrast ratio (1..=21) between two opaque colours.
pub fn contrast_ratio(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.relative_luminance(), b.relative_luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Contrast of a possibly translucent foreground drawn over an opaque background: the
/// foreground is composited first, as the eye sees it.
pub fn text_contrast(foreground: Rgba, opaque_background: Rgba) -> f64 {
    let background = Rgba {
        a: 1.0,
        ..opaque_background
    };
    contrast_ratio(foreground.over(background), background)
}

/// WCAG "large text": at least 24 px, or at least 18.66 px at weight 700 or more.
pub fn is_large_text(font_size_px: f64, font_weight: f64) -> bool {
    font_size_px >= LARGE_TEXT_MIN_PX
        || (font_size_px >= LARGE_BOLD_TEXT_MIN_PX && font_weight >= BOLD_MIN_WEIGHT)
}

/// The contrast WCAG 2.2 AA requires for text of this size and weight.
pub fn required_text_contrast(font_size_px: f64, font_weight: f64) -> f64 {
    if is_large_text(font_size_px, font_weight) {
        MIN_CONTRAST_LARGE_TEXT
    } else {
        MIN_CONTRAST_NORMAL_TEXT
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Sharma, Wu & Dalal (2005), "The CIEDE2000 Color-Difference Formula: Implementation Notes,
    /// Supplementary Test Data, and Mathematical Observations", Table 1: L1 a1 b1 L2 a2 b2 ΔE00.
    const SHARMA: [[f64; 7]; 34] = [
        [50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425],
        [50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615],
        [50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412],
        [
            50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000,
        ],
        [
            50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000,
        ],
        [
            50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000,
        ],
        [50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669],
        [50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461],
        [50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065],
        [50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492],
        [50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977],
        [50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030],
        [50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000],
        [
            60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644,
        ],
        [
            63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630,
        ],
        [61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731],
        [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
        [
            22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373,
        ],
        [36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
        [90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441],
        [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
        [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
        [2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082],
    ];

    #[test]
    fn ciede2000_matches_every_published_sharma_pair_both_ways() {
        for (i, [l1, a1, b1, l2, a2, b2, expected]) in SHARMA.into_iter().enumerate() {
            let x = Lab::new(l1, a1, b1);
            let y = Lab::new(l2, a2, b2);
            for (name, got) in [("forward", x.difference(y)), ("reverse", y.difference(x))] {
                assert!(
                    (got - expected).abs() < 1e-4,
                    "pair {} {name}: got {got}, expected {expected}",
                    i + 1
                );
            }
        }
    }

    #[test]
    fn lab_of_srgb_primaries_matches_reference_values() {
        // Reference values from the CIE formulas with the D65 white (as published by Bruce Lindbloom).
        let red = Rgba::from_hex("#FF0000").unwrap().to_lab();
        assert!(
            (red.l - 53.2408).abs() < 0.01
                && (red.a - 80.0925).abs() < 0.05
                && (red.b - 67.2032).abs() < 0.05,
            "{red:?}"
        );
        let white = Rgba::WHITE.to_lab();
        assert!(
            (white.l - 100.0).abs() < 1e-3 && white.a.abs() < 1e-3 && white.b.abs() < 1e-3,
            "{white:?}"
        );
    }

    #[test]
    fn delta_e_of_identical_colours_is_zero_and_of_black_white_is_100() {
        let grey = Rgba::from_hex("#777777").unwrap();
        assert!(delta_e2000(grey, grey).abs() < 1e-9);
        assert!((delta_e2000(Rgba::BLACK, Rgba::WHITE) - 100.0).abs() < 1e-3);
    }

    #[test]
    fn hex_round_trips_and_accepts_every_short_form() {
        for (input, hex) in [
            ("#fff", "#FFFFFF"),
            ("#0000", "#00000000"),
            ("3366cc", "#3366CC"),
            ("#3366CC80", "#3366CC80"),
            (" #abcdef ", "#ABCDEF"),
        ] {
            assert_eq!(Rgba::from_hex(input).unwrap().to_hex(), hex, "{input}");
        }
    }

    #[test]
    fn malformed_hex_is_an_error_never_a_panic() {
        for input in [
            "",
            "#",
            "#12",
            "#12345",
            "#1234567",
            "#GGGGGG",
            "#ééé",
            "rgb(0,0,0)",
            "#123456789",
        ] {
            assert!(
                Rgba::from_hex(input).is_err(),
                "{input:?} should be rejected"
            );
        }
    }

    #[test]
    fn hostile_channels_are_clamped() {
        let c = Rgba::new(f64::NAN, 7.0, -3.0, f64::INFINITY);
        assert_eq!(c, Rgba::new(0.0, 1.0, 0.0, 1.0));
    }

    #[test]
    fn wcag_contrast_matches_known_values() {
        let white = Rgba::WHITE;
        assert!((contrast_ratio(Rgba::BLACK, white) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(white, white) - 1.0).abs() < 1e-9);
        // #777777 on white is the classic near miss (4.48:1); #595959 comfortably passes (7.0:1).
        let c777 = contrast_ratio(Rgba::from_hex("#777777").unwrap(), white);
        assert!(
            (c777 - 4.478).abs() < 0.01 && c777 < MIN_CONTRAST_NORMAL_TEXT,
            "{c777}"
        );
        let c595 = contrast_ratio(Rgba::from_hex("#595959").unwrap(), white);
        assert!((c595 - 7.0).abs() < 0.01, "{c595}");
        // Symmetric.
        assert_eq!(
            contrast_ratio(white, Rgba::BLACK),
            contrast_ratio(Rgba::BLACK, white)
        );
    }

    #[test]
    fn translucent_text_is_composited_before_measuring() {
        // Black at 50 % over white renders as 50 % grey (about 3.98:1), far below black's 21:1.
        let half_black = Rgba::BLACK.with_opacity(0.5);
        let measured = text_contrast(half_black, Rgba::WHITE);
        let expected = contrast_ratio(Rgba::opaque(0.5, 0.5, 0.5), Rgba::WHITE);
        assert!(
            (measured - expected).abs() < 1e-9,
            "{measured} vs {expected}"
        );
        assert!(measured < MIN_CONTRAST_NORMAL_TEXT);
        // A fully transparent fill is invisible: contrast 1.
        assert!((text_contrast(Rgba::BLACK.with_opacity(0.0), Rgba::WHITE) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn large_text_rule_follows_wcag() {
        assert!(is_large_text(24.0, 400.0));
        assert!(!is_large_text(23.9, 400.0));
        assert!(is_large_text(18.66, 700.0));
        assert!(!is_large_text(18.66, 600.0));
        assert!(!is_large_text(18.0, 900.0));
        assert_eq!(required_text_contrast(16.0, 400.0), 4.5);
        assert_eq!(required_text_contrast(19.0, 700.0), 3.0);
    }

    #[test]
    fn compositing_over_transparent_keeps_the_foreground() {
        let fg = Rgba::from_hex("#33669980").unwrap();
        let out = fg.over(Rgba::new(0.0, 0.0, 0.0, 0.0));
        assert_eq!(out.to_hex(), "#33669980");
    }
}
