use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the seeds, shown as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl SeedError {
    pub fn at(file: &Path, line: usize, message: impl Into<String>) -> Self {
        SeedError {
            file: file.to_path_buf(),
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        SeedError {
            file: file.to_path_buf(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Every problem found in one pass; the loader reports them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedErrors(pub Vec<SeedError>);

impl SeedErrors {
    pub fn push(&mut self, e: SeedError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &SeedError> {
        self.0.iter()
    }
}

impl fmt::Display for SeedErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(
            f,
            "{} problem{} in the seeds",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for SeedErrors {}
