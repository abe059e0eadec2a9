//! One error type for the web layer, turned into a response in one place:
//! an HTML page for pages, `{"errors":[{"detail": …}]}` for `/api`.
//! Internal details are logged, never shown.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
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
    pub status: u16,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub message: &'static str,
    pub q: String,
}

impl ErrorPage {
    pub fn for_status(status: StatusCode) -> Self {
        let (title_zh, title_en, message) = match status {
            StatusCode::NOT_FOUND => (
                "未找到",
                "Not found",
                "这个地址没有对应的页面。请检查链接，或使用搜索。",
            ),
            _ => (
                "出错了",
                "Something went wrong",
                "服务器出现错误，我们已记录。请稍后再试。",
            ),
        };
        ErrorPage {
            status: status.as_u16(),
            title_zh,
            title_en,
            message,
            q: String::new(),
        }
    }
}

/// An HTML error page for `status`.
pub fn error_page(status: StatusCode) -> Response {
    let body = ErrorPage::for_status(status)
        .render()
        .unwrap_or_else(|_| status.to_string());
    (status, Html(body)).into_response()
}

/// The answer for an error `status` to a request for `path`: the JSON shape
/// under `/api`, the HTML page elsewhere.
pub fn error_response(status: StatusCode, path: &str) -> Response {
    if is_api(path) {
        api_error(status)
    } else {
        error_page(status)
    }
}

/// Whether `path` is under `/api`, where errors answer JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn api_error(status: StatusCode) -> Response {
    let detail = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::NOT_ACCEPTABLE => "Not acceptable: no content coding the request accepts",
        _ if status.is_server_error() => "Internal server error",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    (status, Json(json!({"errors": [{"detail": detail}]}))).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        error_page(self.status())
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
        api_error(self.0.status())
    }
}
