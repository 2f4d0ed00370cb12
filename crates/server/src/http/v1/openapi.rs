//! The OpenAPI 3.1 document of REST v1, served at `GET /api/v1/openapi.json`.
//!
//! Operations come from the `#[utoipa::path]` attribute of each handler (collected while the
//! router is built, see the parent module). Body schemas come from `schemars`, which the service layer's types
//! already derive: an OpenAPI 3.1 schema object is JSON Schema 2020-12, so the generated schemas
//! are placed under `components/schemas` as they are, and operations refer to them by name.

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Router};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::PREFIX;
use crate::http::AppState;

/// The `openapi.json` route (relative to the v1 prefix) serving the document of `paths` and of
/// itself, with `schemas` as its body schemas.
pub fn route(paths: OpenApi, schemas: Map<String, Value>) -> Router<AppState> {
    let (router, own) = OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .split_for_parts();
    let mut paths = paths;
    paths.merge(own);
    let document = document(paths, schemas);
    // Serialising a `Value` cannot fail; an empty document would fail the tests loudly.
    let body = serde_json::to_vec(&document).unwrap_or_default();
    router.layer(Extension(Document(Bytes::from(body))))
}

#[derive(Clone)]
struct Document(Bytes);

/// The OpenAPI document
///
/// This API described as OpenAPI 3.1. Needs no credentials.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json")))]
async fn openapi_json(Extension(Document(body)): Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// The complete document: `paths` (relative to the v1 prefix) under [`PREFIX`], the bearer scheme
/// required by every operation that does not opt out, and the shared schemas and responses.
pub fn document(paths: OpenApi, schemas: Map<String, Value>) -> Value {
    let mut info = utoipa::openapi::Info::new("handoff", env!("CARGO_PKG_VERSION"));
    info.description = Some(
        "Design-to-code handoff: Figma design context, analysis reports, design tokens, tickets \
         from templates, stored component analyses and screenshots. See docs/api.md."
            .to_owned(),
    );
    let api = utoipa::openapi::OpenApiBuilder::new()
        .info(info)
        .build()
        .nest(PREFIX, paths);
    let mut document = serde_json::to_value(&api).unwrap_or(Value::Null);
    if let Value::Object(root) = &mut document {
        root.insert("openapi".to_owned(), json!("3.1.0"));
        root.insert("security".to_owned(), json!([{ "bearer": [] }]));
        root.insert("components".to_owned(), components(schemas));
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            for item in paths.values_mut() {
                for operation in item
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|o| o.values_mut())
                {
                    add_common_responses(operation);
                }
            }
        }
    }
    document
}

/// Every guarded operation can also answer 401 and 429 and carries the `RateLimit-*` headers;
/// every operation can fail with the one error shape.
fn add_common_responses(operation: &mut Value) {
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|requirements| requirements.iter().all(|r| r == &json!({})));
    let Some(Value::Object(responses)) = operation.get_mut("responses") else {
        return;
    };
    if !public {
        for (status, response) in responses.iter_mut() {
            if status.starts_with('2')
                && let Value::Object(response) = response
            {
                response.insert(
                    "headers".to_owned(),
                    json!({
                        "RateLimit-Limit": { "$ref": "#/components/headers/RateLimit-Limit" },
                        "RateLimit-Remaining": { "$ref": "#/components/headers/RateLimit-Remaining" },
                        "RateLimit-Reset": { "$ref": "#/components/headers/RateLimit-Reset" },
                    }),
                );
            }
        }
        for (status, name) in [("401", "Unauthenticated"), ("429", "RateLimited")] {
            responses
                .entry(status)
                .or_insert_with(|| json!({ "$ref": format!("#/components/responses/{name}") }));
        }
    }
    responses
        .entry("default")
        .or_insert_with(|| json!({ "$ref": "#/components/responses/Error" }));
}

fn components(mut schemas: Map<String, Value>) -> Value {
    schemas.insert("ErrorResponse".to_owned(), error_schema());
    schemas.insert(
        "JsonObject".to_owned(),
        json!({ "type": "object", "description": "Any JSON object." }),
    );
    let error = |description: &str, headers: Value| {
        json!({
            "description": description,
            "headers": headers,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorResponse" } } },
        })
    };
    let header = |description: &str| json!({ "description": description, "schema": { "type": "integer", "minimum": 0 } });
    json!({
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "hk_… API key or hs_… session token",
                "description": "An API key (`handoff keys create`) or a session token from POST /api/v1/sessions. \
                                With `auth = auto` on a loopback address and no keys, or `auth = off`, none is needed.",
            }
        },
        "headers": {
            "RateLimit-Limit": header("Requests per minute of the route's group for this caller."),
            "RateLimit-Remaining": header("Requests left in the current budget."),
            "RateLimit-Reset": header("Seconds until the budget is full again."),
            "Retry-After": header("Seconds to wait before retrying."),
        },
        "responses": {
            "Unauthenticated": error(
                "No, an unknown, a revoked or an expired credential (code `unauthenticated`).",
                json!({}),
            ),
            "RateLimited": error(
                "The caller's budget for the route's group is exhausted (code `rate_limited`).",
                json!({
                    "Retry-After": { "$ref": "#/components/headers/Retry-After" },
                    "RateLimit-Limit": { "$ref": "#/components/headers/RateLimit-Limit" },
                    "RateLimit-Remaining": { "$ref": "#/components/headers/RateLimit-Remaining" },
                    "RateLimit-Reset": { "$ref": "#/components/headers/RateLimit-Reset" },
                }),
            ),
            "Error": error("Any other error, in the one error shape.", json!({})),
        },
        "schemas": schemas,
    })
}

/// The one error shape (`crate::error`).
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string", "description": "Stable snake_case code, e.g. `not_found`, `invalid_json`, `rate_limited`." },
                    "message": { "type": "string", "description": "What is wrong, for people." },
                    "details": { "description": "Structured details where the code has them." },
                },
            },
        },
    })
}

/// Named schemas from one generator, with everything they refer to.
pub struct Schemas {
    generator: SchemaGenerator,
    named: Map<String, Value>,
}

impl Schemas {
    /// Requests are described as they are deserialised (defaults make fields optional).
    pub fn requests() -> Self {
        Self::new(SchemaSettings::draft2020_12().for_deserialize())
    }

    /// Responses are described as they are serialised.
    pub fn responses() -> Self {
        Self::new(SchemaSettings::draft2020_12().for_serialize())
    }

    fn new(settings: SchemaSettings) -> Self {
        let settings = settings.with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        Self {
            generator: settings.into_generator(),
            named: Map::new(),
        }
    }

    /// Registers `T` as `name`: the generator's own definition when it already uses that name,
    /// otherwise the (inline) schema under `name`.
    pub fn add<T: JsonSchema>(&mut self, name: &str) {
        let schema: Schema = self.generator.subschema_for::<T>();
        let own = format!("#/components/schemas/{name}");
        if schema.get("$ref").and_then(Value::as_str) != Some(own.as_str()) {
            self.named.insert(name.to_owned(), schema.to_value());
        }
    }

    pub fn finish(mut self) -> Map<String, Value> {
        let mut all = self.generator.take_definitions(true);
        all.append(&mut self.named);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` in `value`.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn shared_components_refer_only_to_what_exists() {
        let document = json!({ "components": components(Map::new()) });
        let mut found = Vec::new();
        refs(&document, &mut found);
        assert!(found.len() >= 5, "{found:?}");
        for target in found {
            let pointer = target.trim_start_matches('#');
            assert!(
                document.pointer(pointer).is_some(),
                "{target} does not resolve"
            );
        }
    }

    #[test]
    fn a_type_is_registered_under_its_name_with_what_it_refers_to() {
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Outer {
            inner: Inner,
        }
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Inner {
            n: u32,
        }
        let mut schemas = Schemas::requests();
        schemas.add::<Outer>("Outer");
        schemas.add::<Vec<Outer>>("Outers");
        let all = Value::Object(schemas.finish());
        assert_eq!(
            all["Outer"]["properties"]["inner"]["$ref"],
            "#/components/schemas/Inner"
        );
        assert_eq!(all["Inner"]["properties"]["n"]["type"], "integer");
        assert_eq!(all["Outers"]["items"]["$ref"], "#/components/schemas/Outer");
    }
}
