//! pingshen (评审): reviews submission packages of Beijing government IT projects.
pub mod archive;
pub mod finding;
pub mod sniff;
pub mod values;
