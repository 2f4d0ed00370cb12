//! A string enum that keeps values it does not know.
//!
//! Figma adds enum values over time (node types, paint types, triggers). A
//! closed serde enum would turn every new value into a parse error, so each
//! Figma enum is declared with [`figma_enum!`], which maps known strings to
//! variants and keeps anything else as `Other(Box<str>)` (a boxed string: 8 bytes smaller
//! than a `String`, and every node holds a few of these enums).

/// Declares a Figma string enum with an `Other(Box<str>)` fallback, `as_str`,
/// `Display`, `Serialize` and `Deserialize`.
macro_rules! figma_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of handoff does not know, kept verbatim.
            Other(Box<str>),
        }

        impl $name {
            /// The Figma spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }

            /// Maps a Figma string to a variant; unknown strings become `Other`.
            pub fn from_figma(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.into()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct EnumVisitor;
                impl ::serde::de::Visitor<'_> for EnumVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::from_figma(text))
                    }
                }
                deserializer.deserialize_str(EnumVisitor)
            }
        }
    };
}

pub(crate) use figma_enum;
