//! One error type for the web layer, and the one place where any error
//! becomes a response ([`shaped`]): an HTML page for pages,
//! `{"errors":[{"detail": …}]}` for `/api`. Handlers' errors come here
//! through [`AppError`] and [`ApiError`]; errors the layers answer bare
//! (405, 414, timeouts, shed requests, panics) through `web::finish`.
//! Internal details are logged, never shown.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

pub use super::paginate::ParamProblem;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Nothing at this address, with why (an unknown kind in the path).
    #[error("not found: {0:?}")]
    NotFoundBecause(ParamProblem),
    /// Parameters refused, each with what is allowed.
    #[error("bad request: {0:?}")]
    BadRequest(Vec<ParamProblem>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
}

impl AppError {
    /// A 400 for one parameter, saying what is allowed.
    pub fn bad_request(parameter: &str, detail: impl Into<String>) -> Self {
        AppError::BadRequest(vec![ParamProblem::new(parameter, detail)])
    }

    /// A 404 that says why: what the path named, and what exists.
    pub fn not_found_because(parameter: &str, detail: impl Into<String>) -> Self {
        AppError::NotFoundBecause(ParamProblem::new(parameter, detail))
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NotFoundBecause(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Database(_) | AppError::Template(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: super::lang::Lang,
    pub status: u16,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub message: &'static str,
    pub message_en: &'static str,
    pub q: String,
    /// An error page describes nothing: no JSON-LD.
    pub jsonld: String,
}

impl ErrorPage {
    pub fn for_status(status: StatusCode) -> Self {
        let (title_zh, title_en, message) = describe(status);
        ErrorPage {
            lang: super::lang::current().lang,
            status: status.as_u16(),
            title_zh,
            title_en,
            message,
            message_en: describe_en(status),
            q: String::new(),
            jsonld: String::new(),
        }
    }
}

/// An HTML error page for `status`, in the edition of the request.
fn error_page(status: StatusCode) -> Response {
    let edition = super::lang::current().without_alternates();
    let body = super::lang::sync_scoped(edition, || ErrorPage::for_status(status).render())
        .map(super::localized)
        .unwrap_or_else(|_| status.to_string());
    (status, Html(body)).into_response()
}

/// The answer for an error `status`: the JSON shape under `/api`, the HTML
/// page elsewhere.
pub fn shaped(status: StatusCode, api: bool) -> Response {
    if api {
        api_error(status)
    } else {
        error_page(status)
    }
}

/// Whether `path` is under `/api`, where errors answer JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// What an error says, in English for the API and in Chinese for the page.
fn describe(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (
            "未找到",
            "Not found",
            "这个地址没有对应的页面。请检查链接，或使用搜索。",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "方法不允许",
            "Method not allowed",
            "这个地址只接受 GET 和 HEAD 请求。",
        ),
        StatusCode::NOT_ACCEPTABLE => (
            "无法接受",
            "Not acceptable: no content coding the request accepts",
            "请求拒绝了服务器能提供的所有内容编码。",
        ),
        StatusCode::PRECONDITION_FAILED => (
            "条件不满足",
            "Precondition failed: the page's ETag matches no tag in If-Match",
            "请求的 If-Match 条件与本页当前版本不符。",
        ),
        StatusCode::URI_TOO_LONG => (
            "地址过长",
            "Request target too long: the limit is 48 KB",
            "请求的地址太长。请缩短搜索词后再试。",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "暂时无法响应",
            "Service unavailable: overloaded or timed out, retry shortly",
            "服务器暂时繁忙或处理超时。请稍后再试。",
        ),
        _ if status.is_server_error() => (
            "出错了",
            "Internal server error",
            "服务器出现错误，我们已记录。请稍后再试。",
        ),
        _ => (
            "请求有误",
            status.canonical_reason().unwrap_or("Bad request"),
            "无法处理这个请求。",
        ),
    }
}

/// What an error page says to a reader of the English edition.
fn describe_en(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "There is no page at this address. Check the link, or search.",
        StatusCode::METHOD_NOT_ALLOWED => "This address takes GET and HEAD requests only.",
        StatusCode::NOT_ACCEPTABLE => {
            "The request refused every content coding the server can give."
        }
        StatusCode::PRECONDITION_FAILED => {
            "The request's If-Match does not match this page's current version."
        }
        StatusCode::URI_TOO_LONG => "The address is too long. Shorten the search and try again.",
        StatusCode::SERVICE_UNAVAILABLE => {
            "The server is busy or took too long. Please try again shortly."
        }
        _ if status.is_server_error() => {
            "Something went wrong on the server; it has been logged. Please try again later."
        }
        _ => "This request cannot be handled.",
    }
}

fn api_error(status: StatusCode) -> Response {
    let (_, detail, _) = describe(status);
    (status, Json(json!({"errors": [{"detail": detail}]}))).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        match self {
            // Said as plain text: these parameters belong to the citation
            // and download addresses, whose answers are text and data.
            AppError::BadRequest(problems) => (
                status,
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                )],
                problems
                    .iter()
                    .map(|p| format!("{}\n", p.detail))
                    .collect::<String>(),
            )
                .into_response(),
            AppError::NotFoundBecause(problem) => (
                status,
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                )],
                format!("{}\n", problem.detail),
            )
                .into_response(),
            other => error_page(other.status()),
        }
    }
}

/// The same errors, answered as JSON for `/api` routes.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let problems = match self.0 {
            AppError::BadRequest(problems) => problems,
            AppError::NotFoundBecause(problem) => vec![problem],
            _ => return api_error(status),
        };
        let errors: Vec<_> = problems
            .iter()
            .map(|p| json!({"detail": p.detail, "parameter": p.parameter}))
            .collect();
        (status, Json(json!({ "errors": errors }))).into_response()
    }
}
